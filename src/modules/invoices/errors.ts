import { AppError, type FieldError } from '../../platform/http/errors.ts';
import { registerConstraintError } from '../../platform/db/sqlstate.ts';

export const MAX_INVOICE_BYTES = 10 * 1024 * 1024;

export const InvoiceErrors = {
  unsupported: (detail = 'El archivo debe ser un PDF, PNG o JPEG.') => new AppError(400, 'invoice.unsupported', detail),
  tooLarge: () => new AppError(413, 'invoice.too_large', 'El archivo supera los 10 MB.'),
  notFound: () => new AppError(404, 'invoice.not_found', 'La factura no existe.'),
  fileNotFound: () => new AppError(404, 'invoice.file_not_found', 'La factura no tiene archivo.'),
  notDraft: () => new AppError(409, 'invoice.confirmed', 'La factura ya está confirmada: no se puede modificar.'),
  duplicate: (existingId?: string) =>
    new AppError(409, 'invoice.duplicate', 'Ya se confirmó una factura con el mismo CUIT del emisor, letra, punto de venta y número.', {
      ...(existingId ? { extra: { invoice_id: existingId } } : {}),
    }),
  changed: () => new AppError(409, 'invoice.changed', 'La factura cambió mientras la editaba; recárguela.'),
  incomplete: (errors: FieldError[]) =>
    new AppError(422, 'invoice.incomplete', 'La factura no se puede confirmar todavía: corrija los datos indicados.', { errors }),
  busy: () =>
    new AppError(503, 'invoice.busy', 'Hay demasiadas facturas procesándose en este momento; reintente en unos segundos.', {
      headers: { 'retry-after': '10' },
    }),
  ocrTimeout: () => new AppError(504, 'invoice.ocr_timeout', 'La lectura de la imagen tardó demasiado; intente con una foto más nítida.'),
};

// Two confirmations of one identity racing past the service's check: the second one is a duplicate.
registerConstraintError('invoices_confirmed_identity_key', () => InvoiceErrors.duplicate());
