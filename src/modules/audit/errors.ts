import { AppError, notFound, validationError } from '../../platform/http/errors.ts';

export const AuditErrors = {
  alertNotFound: () => notFound('audit.alert_not_found', 'No existe esa alerta.'),
  invalidTransition: (from: string, to: string) =>
    new AppError(409, 'audit.alert_invalid_transition', `La alerta está ${STATUS_ES[from] ?? from} y no puede pasar a ${STATUS_ES[to] ?? to}.`, {
      extra: { status: from },
    }),
  badCursor: () => validationError([{ path: 'cursor', message: 'cursor inválido; use el next_cursor de la respuesta anterior' }], 'El cursor no es válido.'),
  emptyRange: () => validationError([{ path: 'to', message: 'debe ser posterior a from' }], 'El rango de fechas está vacío.'),
};

const STATUS_ES: Record<string, string> = { open: 'abierta', acknowledged: 'reconocida', closed: 'cerrada' };
