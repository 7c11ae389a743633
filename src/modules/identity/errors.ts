import { AppError } from '../../platform/http/errors.ts';

export const IdentityErrors = {
  apiKeyNotFound: () => new AppError(404, 'api_key.not_found', 'La clave de API no existe.'),
  bootstrapKeyTooShort: () =>
    new AppError(400, 'api_key.bootstrap_too_short', 'INVENTARIO_BOOTSTRAP_API_KEY debe tener al menos 32 caracteres.'),
};
