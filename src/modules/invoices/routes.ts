import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { App } from '../../platform/http/types.ts';
import { idParam, page } from '../../platform/http/schemas.ts';
import { AppError, validationError } from '../../platform/http/errors.ts';
import { auditContextOf } from '../../platform/audit/writer.ts';
import type { Services } from '../../services.ts';
import { toInvoiceDto, toInvoiceSummary } from './dto.ts';
import { InvoiceErrors, MAX_INVOICE_BYTES } from './errors.ts';
import { confirmBody, invoiceDto, invoiceSummaryDto, listQuery, manualBody, patchBody } from './schemas.ts';
import { MEDIA_TYPES, sniffInvoiceFile } from './sniff.ts';

/** Multipart failures (limits, truncated or malformed bodies) as the API's own errors, never a 500. */
function multipartError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const code = (err as { code?: string })?.code ?? '';
  if (code === 'FST_REQ_FILE_TOO_LARGE') return InvoiceErrors.tooLarge();
  if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') {
    return InvoiceErrors.unsupported('Envíe un solo archivo en el campo file.');
  }
  return InvoiceErrors.unsupported('El cuerpo multipart está mal formado o incompleto.');
}

async function readUpload(request: FastifyRequest): Promise<Buffer> {
  let bytes: Buffer | undefined;
  try {
    for await (const part of request.parts()) {
      if (part.type !== 'file') continue;
      if (part.fieldname !== 'file' || bytes !== undefined) {
        // Drained, not kept: only one file, in the field named `file`.
        part.file.resume();
        throw InvoiceErrors.unsupported('Envíe un solo archivo en el campo file.');
      }
      bytes = await part.toBuffer();
    }
  } catch (err) {
    throw multipartError(err);
  }
  if (!bytes) throw validationError([{ path: 'file', message: 'falta el archivo (campo multipart file)' }]);
  return bytes;
}

export function invoicesRoutes(api: App, { invoices }: Pick<Services, 'invoices'>): void {
  // The OCR engines (worker threads, started by the first photo) end with the server.
  api.addHook('onClose', async () => invoices.close());
  // Multipart only here: every other route keeps refusing non-JSON bodies.
  void api.register(async (scope) => {
    const app = scope as App;
    await app.register(multipart, {
      limits: { fileSize: MAX_INVOICE_BYTES, files: 1, fields: 5, fieldSize: 1024, parts: 6, headerPairs: 50 },
      throwFileSizeLimit: true,
    });
    const tags = ['invoices'];

    app.post(
      '/invoices',
      {
        config: { access: 'invoices:upload', operation: 'invoice.create' },
        schema: {
          tags,
          description:
            'Carga una factura de proveedor: multipart/form-data con el archivo en el campo file (PDF, PNG o JPEG, hasta 10 MB; el tipo se reconoce por su contenido) o un cuerpo JSON para la carga manual. Responde el borrador con lo leído del QR de AFIP, del texto del PDF o, en fotos y escaneos, por OCR (si el OCR supera OCR_TIMEOUT_SECONDS: 504 invoice.ocr_timeout; con demasiados archivos esperando su turno: 503 invoice.busy con Retry-After).',
          body: manualBody.nullish(),
          response: { 201: invoiceDto },
        },
      },
      async (request, reply) => {
        const ctx = auditContextOf(request);
        let row;
        if (request.isMultipart()) {
          const bytes = await readUpload(request);
          const type = sniffInvoiceFile(bytes);
          if (!type) throw InvoiceErrors.unsupported();
          row = await invoices.createFromFile(bytes, type, ctx);
        } else {
          row = await invoices.createManual(request.body ?? {}, ctx);
        }
        reply.code(201);
        return toInvoiceDto(row);
      },
    );

    app.get(
      '/invoices',
      {
        config: { access: 'catalog:read', operation: 'invoice.list' },
        schema: {
          tags,
          description: 'Facturas, las más nuevas primero; status=draft lista las que esperan revisión.',
          querystring: listQuery,
          response: { 200: page(invoiceSummaryDto) },
        },
      },
      async (request) => {
        const result = await invoices.list(request.query);
        return { items: result.items.map(toInvoiceSummary), next_cursor: result.next_cursor };
      },
    );

    app.get(
      '/invoices/:id',
      {
        config: { access: 'catalog:read', operation: 'invoice.get' },
        schema: { tags, description: 'Una factura con su encabezado, renglones, fuentes, confianza y advertencias.', params: idParam, response: { 200: invoiceDto } },
      },
      async (request) => toInvoiceDto(await invoices.get(request.params.id)),
    );

    app.patch(
      '/invoices/:id',
      {
        config: { access: 'invoices:manage', operation: 'invoice.update' },
        schema: {
          tags,
          description:
            'Corrige un borrador: campos del encabezado (null borra) y/o todos los renglones (reemplazan a los anteriores; product_id asigna el producto). Una factura confirmada no se modifica (409 invoice.confirmed).',
          params: idParam,
          body: patchBody,
          response: { 200: invoiceDto },
        },
      },
      async (request) => toInvoiceDto(await invoices.update(request.params.id, request.body, auditContextOf(request))),
    );

    app.post(
      '/invoices/:id/confirm',
      {
        config: { access: 'invoices:manage', operation: 'invoice.confirm' },
        schema: {
          tags,
          description:
            'Confirma el borrador: un movimiento de entrada por renglón con su costo unitario y el nuevo costo de cada producto, en una sola transacción. Confirmar dos veces no repite nada. Otra factura confirmada con el mismo CUIT, letra, punto de venta y número → 409 invoice.duplicate.',
          params: idParam,
          body: confirmBody,
          response: { 200: invoiceDto },
        },
      },
      async (request, reply) => {
        const { row, replayed } = await invoices.confirm(request.params.id, { locationId: request.body?.location_id }, auditContextOf(request));
        if (replayed) reply.header('idempotent-replayed', 'true');
        return toInvoiceDto(row);
      },
    );

    app.get(
      '/invoices/:id/file',
      {
        config: { access: 'catalog:read', operation: 'invoice.file.get' },
        schema: {
          tags,
          description: 'El archivo original, siempre como descarga y con el tipo reconocido al cargarlo.',
          params: idParam,
          response: { 200: z.string().meta({ description: 'PDF, PNG o JPEG', format: 'binary' }) },
        },
      },
      async (request, reply) => {
        const { bytes, type } = await invoices.file(request.params.id);
        reply
          .header('content-type', MEDIA_TYPES[type])
          .header('content-disposition', `attachment; filename="factura-${request.params.id}.${type === 'jpeg' ? 'jpg' : type}"`)
          .header('x-content-type-options', 'nosniff')
          .header('content-security-policy', "default-src 'none'; sandbox")
          .header('cache-control', 'private, no-store');
        // Bytes go out as they are; the string schema only documents the body for OpenAPI.
        return reply.send(bytes as unknown as string);
      },
    );
  });
}
