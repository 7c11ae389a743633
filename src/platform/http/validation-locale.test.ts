import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { configureValidationLocale } from './validation-locale.ts';

configureValidationLocale();

const messages = (schema: z.ZodType, input: unknown) => Object.fromEntries(schema.safeParse(input).error!.issues.map((i) => [i.path.join('.'), i.message]));

describe('validation messages in es-AR', () => {
  it('says what is wrong with each everyday mistake in a plain sentence', () => {
    const schema = z
      .object({
        id: z.uuid(),
        email: z.email(),
        qty: z.number().int(),
        price: z.number().positive(),
        max: z.number().max(10),
        day: z.iso.date(),
        at: z.iso.datetime({ offset: true }),
        code: z.string().min(3),
        note: z.string().min(1),
        lines: z.array(z.string()).min(1),
        kind: z.enum(['in', 'out']),
        needed: z.string(),
        flag: z.boolean(),
      })
      .strict();
    expect(
      messages(schema, { id: 'x', email: 'y', qty: 1.5, price: 0, max: 11, day: '2026-13-01', at: 'ayer', code: 'ab', note: '', lines: [], kind: 'x', flag: 'si', extra: 1 }),
    ).toEqual({
      id: 'debe ser un identificador UUID válido',
      email: 'debe ser una dirección de correo electrónico válida',
      qty: 'debe ser un número entero',
      price: 'debe ser mayor que 0',
      max: 'debe ser menor o igual a 10',
      day: 'debe ser una fecha válida con el formato AAAA-MM-DD',
      at: 'debe ser una fecha y hora ISO 8601 válida (por ejemplo 2026-03-01T10:00:00-03:00)',
      code: 'debe tener al menos 3 caracteres',
      note: 'no puede estar vacío',
      lines: 'debe tener al menos un elemento',
      kind: 'debe ser uno de: "in", "out"',
      needed: 'es obligatorio',
      flag: 'debe ser verdadero o falso',
      '': 'campo desconocido: "extra"',
    });
  });

  it('keeps a message written on the schema, and zod\'s Spanish locale for the rare cases', () => {
    expect(messages(z.object({ sku: z.string().min(1, 'el SKU es obligatorio') }), { sku: '' })).toEqual({ sku: 'el SKU es obligatorio' });
    const union = messages(z.object({ v: z.union([z.string(), z.number()]) }), { v: true });
    expect(union.v).toMatch(/inválid/i);
  });
});
