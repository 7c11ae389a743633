import { AppError } from '../../platform/http/errors.ts';
import { registerConstraintError } from '../../platform/db/sqlstate.ts';

export const CustomerErrors = {
  notFound: () => new AppError(404, 'customer.not_found', 'El cliente no existe.'),
  erased: () => new AppError(410, 'customer.erased', 'Los datos personales de este cliente fueron eliminados.'),
  duplicate: () => new AppError(409, 'customer.duplicate', 'Ya existe un cliente con ese documento.'),
  holdNotFound: () => new AppError(404, 'customer.legal_hold_not_found', 'La retención legal no existe o ya fue liberada.'),
  // Nothing about the cause reaches the client: which key, which field, or why.
  decryptFailed: () =>
    new AppError(500, 'crypto.decrypt_failed', 'No se pudieron descifrar los datos personales. El incidente quedó registrado.'),
};

// The blind-index unique constraint is what detects a duplicate document, races included.
registerConstraintError('customers_doc_index_live_key', CustomerErrors.duplicate);
