import { AppError, validationError } from '../../platform/http/errors.ts';
import { registerConstraintError } from '../../platform/db/sqlstate.ts';

export const PricingErrors = {
  unknownProducts: (indexes: number[]) =>
    validationError(indexes.slice(0, 20).map((i) => ({ path: `product_ids.${i}`, message: 'el producto no existe o está archivado' }))),
  scheduledAlreadyRan: () =>
    new AppError(409, 'pricing.scheduled_already_ran', 'El reprecio programado de hoy ya se aplicó.'),
};

// Two instances racing past the advisory lock still cannot both run the same day's reprice.
registerConstraintError('pricing_runs_scheduled_for_key', PricingErrors.scheduledAlreadyRan);
