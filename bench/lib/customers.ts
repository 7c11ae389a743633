// (g) Customers with encryption, at N connections:
//   POST /api/v1/customers: a new data key per customer (wrapped under the master key), every
//     personal field sealed, two blind indexes, the row and an audit event in one transaction;
//   GET /api/v1/customers/{id} of a random customer created by the first: the data key opened,
//     every personal field decrypted, and an audit event written in the same transaction.
// No direct-SQL baseline: the cost measured is the cryptography and the audit, not the SQL.
import { randomInt } from 'node:crypto';
import { cannon, toResult, type ApiTarget } from './load.ts';
import { measured, type MeasureOptions } from './measure.ts';
import type { Engine, ScenarioResult } from './report.ts';
import type { CpuSnapshot } from './server.ts';

const FIRST = ['Juan', 'María', 'Lucía', 'Martín', 'Sofía', 'Diego', 'Valentina', 'Santiago', 'Camila', 'Matías', 'Agustina', 'Nicolás'];
const LAST = ['González', 'Rodríguez', 'Fernández', 'López', 'Martínez', 'Pérez', 'Gómez', 'Sánchez', 'Romero', 'Díaz', 'Álvarez', 'Benítez'];

// DNIs of 7 or 8 digits (1.000.000 – 99.999.999), never repeated within a run (the document's
// blind index is unique): a stride coprime with the size of the range walks it without
// repeating, from a random start. About one in eleven has 7 digits.
const DNI_MIN = 1_000_000;
const DNI_SPAN = 99_000_000; // 2^6 · 3^2 · 5^6 · 11
const DNI_STRIDE = 7_919; // a prime that divides none of them
const dniStart = randomInt(DNI_SPAN);
let customerSeq = 0;

const ascii = (s: string) => s.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();

export interface CustomerBody {
  name: string;
  doc_type: 'DNI';
  doc_number: string;
  email: string;
}

/** A believable customer with a DNI and an email no other request of this run uses. */
export function nextCustomer(): CustomerBody {
  const n = customerSeq++;
  const first = FIRST[n % FIRST.length]!;
  const last = LAST[Math.floor(n / FIRST.length) % LAST.length]!;
  return {
    name: `${first} ${last}`,
    doc_type: 'DNI',
    doc_number: String(DNI_MIN + ((dniStart + n * DNI_STRIDE) % DNI_SPAN)),
    email: `${ascii(first)}.${ascii(last)}.${n}@example.com`,
  };
}

/** Runs (g) create, then (g') read over the ids of the customers (g) created (warm-up included). */
export async function runCustomers(
  target: ApiTarget,
  engine: Engine,
  connections: number,
  probe: () => Promise<CpuSnapshot>,
  o: MeasureOptions,
): Promise<ScenarioResult[]> {
  const ids: string[] = [];
  const collect = (status: number, body: string) => {
    if (status === 201) ids.push((JSON.parse(body) as { id: string }).id);
  };
  const create = async (durationS: number) =>
    toResult(
      engine,
      'customer-create',
      connections,
      await cannon(target, { method: 'POST', path: '/api/v1/customers', connections, durationS, nextBody: nextCustomer, idempotent: false, onBody: collect }),
    );
  const results = await measured([{ run: create, probe }], { ...o, rounds: 1 });
  if (ids.length === 0) {
    o.log(`  (g') skipped: no customer was created (${JSON.stringify(results[0]?.statusCodes ?? {})})`);
    return results;
  }
  const somePath = () => `/api/v1/customers/${ids[Math.floor(Math.random() * ids.length)]!}`;
  const read = async (durationS: number) =>
    toResult(engine, 'customer-read', connections, await cannon(target, { method: 'GET', path: somePath(), connections, durationS, nextPath: somePath }));
  results.push(...(await measured([{ run: read, probe }], { ...o, rounds: 1 })));
  return results;
}
