import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

// A client-sent id is echoed only when it is short and made of safe characters, so it can be
// logged and returned without escaping.
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdFrom(req: IncomingMessage): string {
  const sent = req.headers['x-request-id'];
  if (typeof sent === 'string' && SANE_REQUEST_ID.test(sent)) return sent;
  return randomUUID();
}
