// PostgreSQL text cannot hold NUL characters: a string with one would fail deep in the database.
// Refuse it up front, naming the field, for every body and query string of every route.
import type { FastifyInstance } from 'fastify';
import { validationError, type FieldError } from './errors.ts';

function findNul(value: unknown, path: string, out: FieldError[], depth = 0): void {
  if (depth > 20 || out.length >= 20) return;
  if (typeof value === 'string') {
    if (value.includes('\u0000')) out.push({ path: path || '(body)', message: 'no se admiten caracteres nulos (\\u0000)' });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => findNul(v, path ? `${path}.${i}` : String(i), out, depth + 1));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k.includes('\u0000')) out.push({ path: path ? `${path}.${k}` : k, message: 'no se admiten caracteres nulos (\\u0000)' });
      findNul(v, path ? `${path}.${k}` : k, out, depth + 1);
    }
  }
}

export function registerInputGuards(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const errors: FieldError[] = [];
    findNul(request.query, '', errors);
    findNul(request.params, '', errors);
    findNul(request.body, '', errors);
    if (errors.length > 0) throw validationError(errors);
  });
}
