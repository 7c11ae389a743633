import { AppError, validationError } from '../../platform/http/errors.ts';

export const StockErrors = {
  insufficient: (onHand: string, requested: string) =>
    new AppError(409, 'stock.insufficient', `Stock insuficiente: hay ${onHand} y se pidieron ${requested}.`, {
      extra: { on_hand: onHand, requested },
    }),
  wholeUnitsOnly: (path = 'quantity') =>
    validationError([{ path, message: 'este producto se vende por unidad: la cantidad debe ser entera' }]),
  adjustForbidden: () =>
    new AppError(403, 'auth.forbidden', 'Su rol no puede registrar ajustes ni conteos de stock.'),
};
