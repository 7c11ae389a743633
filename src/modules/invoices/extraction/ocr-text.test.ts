// OCR text → invoice fields: the usual OCR slips undone in numbers, and each field's confidence
// taken from the words it was read from.
import { describe, expect, it } from 'vitest';
import { normalizeOcrLine, parseOcrText, repairRow } from './ocr-text.ts';
import type { OcrLine, OcrResult } from './pipeline.ts';

function line(text: string, confidence = 0.95, overrides: Record<string, number> = {}): OcrLine {
  const words = text
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => ({ text: w, confidence: overrides[w] ?? confidence }));
  return { text, confidence, words };
}

describe('normalizeOcrLine', () => {
  it.each([
    ['Importe Total: $ 1O.5OO,OO', 'Importe Total: $ 10.500,00'],
    ['Importe Total: $ l8.l50,00', 'Importe Total: $ 18.150,00'],
    ['Importe Total: S 18.150,00', 'Importe Total: $ 18.150,00'],
    ['Importe Total: $ 18.150 ,00', 'Importe Total: $ 18.150,00'],
    ['Importe Total: $ 18.150, 00', 'Importe Total: $ 18.150,00'],
    ['Importe Total: $ 18 .150,00', 'Importe Total: $ 18.150,00'],
    ['C.U.l.T.: 30 - 71234567 - 1', 'CUIT: 30-71234567-1'],
    ['CUlT: 3O712345671', 'CUIT: 30712345671'],
    ['cop. o1', 'COD. 01'],
    ['Importe Neto Gravado: $ 40 920.00', 'Importe Neto Gravado: $ 40.920.00'],
    ['Distribuidora Norte SA     A     FACTURA', 'Distribuidora Norte SA   A   FACTURA'],
  ])('%s → %s', (raw, fixed) => {
    expect(normalizeOcrLine(raw)).toBe(fixed);
  });

  it('leaves words alone: Old, lO as a word, IVA, SA', () => {
    expect(normalizeOcrLine('Old Ilo IVA SA Sol')).toBe('Old Ilo IVA SA Sol');
  });
});

describe('repairRow', () => {
  it('reads a digit run that lost its separators with two decimals when the arithmetic then holds', () => {
    expect(repairRow('7790001001234 Aceite girasol 900 ml   6,00   unidades   234550   0,00   14.073,00')).toBe(
      '7790001001234 Aceite girasol 900 ml   6,00   unidades   2345,50   0,00   14.073,00',
    );
    expect(repairRow('Arroz largo fino 1 kg 12 98725 11.847,00')).toBe('Arroz largo fino 1 kg 12 987,25 11.847,00');
    // With every separator lost the integers add up by themselves: nothing to repair, nothing guessed.
    expect(repairRow('Arroz largo fino 1 kg 12 98725 1184700')).toBe('Arroz largo fino 1 kg 12 98725 1184700');
  });

  it('leaves rows alone that already add up, or that no reading makes add up', () => {
    const fine = 'Yerba Mate Suave 1 kg   10,00   unidades   1.500,00   0,00   15.000,00';
    expect(repairRow(fine)).toBe(fine);
    expect(repairRow('Yerba Mate Suave 1 kg 10 1500 000')).toBe('Yerba Mate Suave 1 kg 10 1500 000');
    expect(repairRow('Punto de Venta: 00007 Comp. Nro: 00000501')).toBe('Punto de Venta: 00007 Comp. Nro: 00000501');
  });
});

describe('parseOcrText', () => {
  const page = (lines: OcrLine[], confidence = 0.9): OcrResult => ({ lines, confidence });

  it('reads the fields and scales each confidence by its words’ OCR confidence', () => {
    const parsed = parseOcrText(
      page([
        line('Distribuidora Norte SA   A   FACTURA'),
        line('Razón Social: Distribuidora Norte SA   Punto de Venta: 00003 Comp. Nro: 00001234'),
        line('Fecha de Emisión: 15/03/2026'),
        line('CUIT: 30712345671', 0.95, { '30712345671': 0.5 }),
        line('Código   Producto / Servicio   Cantidad   U. Medida   Precio Unit.   % Bonif   Subtotal'),
        line('001   Yerba Mate Suave 1 kg   10,00   unidades   1.500,00   0,00   15.000,00'),
        line('Importe Neto Gravado: $ 15.000,00'),
        line('IVA 21%: $ 3.150,00'),
        line('Importe Total: $ 18.15O,OO', 0.95, { '18.15O,OO': 0.6 }),
      ]),
    )!;
    expect(parsed.total).toEqual({ value: '18150.00', confidence: 0.54 }); // 0.9 × 0.6
    expect(parsed.issuerCuit).toEqual({ value: '30-71234567-1', confidence: 0.43 }); // 0.85 × 0.5
    expect(parsed.net!.value).toBe('15000.00');
    expect(parsed.net!.confidence).toBeCloseTo(0.86, 2); // 0.9 × 0.95
    expect(parsed.letter!.value).toBe('A');
    expect(parsed.invoiceType!.value).toBe(1);
    expect(parsed.issueDate!.value).toBe('2026-03-15');
    expect(parsed.lines).toHaveLength(1);
    expect(parsed.lines[0]).toMatchObject({ description: 'Yerba Mate Suave 1 kg', quantity: '10', unit_price: '1500', amount: '15000.00' });
    expect(parsed.lines[0]!.confidence.amount).toBeCloseTo(0.86, 2);
  });

  it('returns null when nothing of an invoice was read (specks, a QR read as letters)', () => {
    expect(parseOcrText(page([line('~~ ,;'), line('ll1 ¦¦')]))).toBeNull();
    expect(parseOcrText(page([]))).toBeNull();
  });
});
