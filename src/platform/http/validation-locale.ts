import { z } from 'zod';

let configured = false;

// zod's Spanish locale reads as a translation ("Inválido UUID", "se esperaba int, recibido
// número", "Llave desconocida"): the issues a client or the dashboard meets every day get plain
// es-AR sentences, and everything rarer falls back to that locale. A message written on a schema
// still wins over both.
const FORMATS: Record<string, string> = {
  uuid: 'debe ser un identificador UUID válido',
  email: 'debe ser una dirección de correo electrónico válida',
  url: 'debe ser una URL válida',
  date: 'debe ser una fecha válida con el formato AAAA-MM-DD',
  datetime: 'debe ser una fecha y hora ISO 8601 válida (por ejemplo 2026-03-01T10:00:00-03:00)',
  time: 'debe ser una hora válida con el formato HH:MM',
  regex: 'no tiene el formato esperado',
};

const TYPES: Record<string, string> = {
  string: 'debe ser un texto',
  number: 'debe ser un número',
  int: 'debe ser un número entero',
  boolean: 'debe ser verdadero o falso',
  array: 'debe ser una lista',
  object: 'debe ser un objeto',
  date: 'debe ser una fecha',
};

const quoted = (values: readonly unknown[]) => values.map((v) => (typeof v === 'string' ? `"${v}"` : String(v))).join(', ');

function sizeMessage(issue: { origin?: string; inclusive?: boolean }, bound: number | bigint, small: boolean): string | undefined {
  const n = Number(bound);
  switch (issue.origin) {
    case 'string':
      if (small && n === 1) return 'no puede estar vacío';
      return small ? `debe tener al menos ${n} caracteres` : `debe tener como máximo ${n} caracteres`;
    case 'array':
    case 'set':
      if (small && n === 1) return 'debe tener al menos un elemento';
      return small ? `debe tener al menos ${n} elementos` : `debe tener como máximo ${n} elementos`;
    case 'number':
    case 'int':
    case 'bigint':
      if (small) return issue.inclusive ? `debe ser mayor o igual a ${n}` : `debe ser mayor que ${n}`;
      return issue.inclusive ? `debe ser menor o igual a ${n}` : `debe ser menor que ${n}`;
    default:
      return undefined;
  }
}

/** The es-AR message for a validation issue, or undefined to use zod's Spanish locale. */
export function spanishIssueMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'es obligatorio';
      return TYPES[issue.expected];
    case 'invalid_format':
      return FORMATS[issue.format] ?? 'no tiene un formato válido';
    case 'too_small':
      return sizeMessage(issue, issue.minimum, true);
    case 'too_big':
      return sizeMessage(issue, issue.maximum, false);
    case 'unrecognized_keys':
      return issue.keys.length === 1 ? `campo desconocido: "${issue.keys[0]}"` : `campos desconocidos: ${quoted(issue.keys)}`;
    case 'invalid_value':
      return issue.values.length === 1 ? `debe ser ${quoted(issue.values)}` : `debe ser uno de: ${quoted(issue.values)}`;
    case 'not_multiple_of':
      return `debe ser múltiplo de ${String(issue.divisor)}`;
    default:
      return undefined;
  }
}

/** Validation messages reach shop staff through problem details, so they are in Spanish. */
export function configureValidationLocale(): void {
  if (configured) return;
  z.config(z.locales.es());
  z.config({ customError: spanishIssueMessage });
  configured = true;
}
