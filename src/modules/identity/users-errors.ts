import { AppError, validationError } from '../../platform/http/errors.ts';
import { registerConstraintError } from '../../platform/db/sqlstate.ts';

export const UserErrors = {
  notFound: () => new AppError(404, 'user.not_found', 'El usuario no existe.'),
  usernameTaken: () => new AppError(409, 'user.username_taken', 'Ya existe un usuario con ese nombre.'),
  weakPassword: (path: string, problems: string[]) => validationError([{ path, message: `la contraseña ${problems.join('; ')}` }]),
  wrongCurrentPassword: () =>
    validationError([{ path: 'current_password', message: 'la contraseña actual no es correcta' }]),
  notASession: () =>
    new AppError(404, 'session.not_found', 'Esta solicitud no usa una sesión del panel (se autenticó con una clave de API).'),
};

// Two admins creating the same username at once: the unique index decides.
registerConstraintError('users_username_key', UserErrors.usernameTaken);
