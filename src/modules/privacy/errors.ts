import { AppError, notFound, validationError } from '../../platform/http/errors.ts';

export const PrivacyErrors = {
  retentionRunning: () => new AppError(409, 'privacy.retention_running', 'Ya hay una ejecución de la política de retención en curso; espere a que termine.'),
  breachNotFound: () => notFound('privacy.breach_not_found', 'No existe ese incidente.'),
  breachClosed: () => new AppError(409, 'privacy.breach_closed', 'El incidente está cerrado y ya no puede modificarse.', { extra: { status: 'closed' } }),
  invalidTransition: (from: string, to: string) =>
    new AppError(409, 'privacy.breach_invalid_transition', `El incidente está ${STATUS_ES[from] ?? from} y no puede pasar a ${STATUS_ES[to] ?? to}.`, {
      extra: { status: from },
    }),
  unknownAlerts: (indexes: number[]) =>
    validationError(indexes.slice(0, 20).map((i) => ({ path: `alert_ids.${i}`, message: 'no existe esa alerta de auditoría' }))),
  badDates: (path: string, message: string) => validationError([{ path, message }]),
};

const STATUS_ES: Record<string, string> = { open: 'abierto', notified: 'notificado', closed: 'cerrado' };
