// The AFIP/ARCA QR payload as stored: nothing PostgreSQL would refuse (NUL) gets through.
import { describe, expect, it } from 'vitest';
import { parseAfipQr } from './afip-qr.ts';

function qrUrl(payload: Record<string, unknown>): string {
  return `https://www.afip.gob.ar/fe/qr/?p=${Buffer.from(JSON.stringify(payload)).toString('base64')}`;
}

const valid = { ver: 1, fecha: '2026-03-02', cuit: 30700005395, ptoVta: 3, tipoCmp: 1, nroCmp: 1234, importe: 39930, moneda: 'PES', ctz: 1, tipoCodAut: 'E', codAut: 74123456789012 };

describe('AFIP QR payload', () => {
  it('reads a real payload', () => {
    const parsed = parseAfipQr(qrUrl(valid));
    expect(parsed.ok).toBe(true);
  });

  it('drops NUL and other control characters from every string value it keeps', () => {
    const parsed = parseAfipQr(qrUrl({ ...valid, moneda: 'P\u0000ES', extra: 'a\u0000b\u0007c', nested: { note: 'x\u0000' } }));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const stored = JSON.stringify(parsed.qr.raw);
    expect(stored).not.toMatch(/\\u000[0-7]/);
    expect(parsed.qr.raw.extra).toBe('a b c');
  });
});
