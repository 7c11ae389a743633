import { AppError, validationError } from '../../platform/http/errors.ts';
import { registerConstraintError } from '../../platform/db/sqlstate.ts';

export const CatalogErrors = {
  productNotFound: () => new AppError(404, 'product.not_found', 'El producto no existe.'),
  skuTaken: () => new AppError(409, 'product.sku_taken', 'Ya existe un producto activo con ese SKU.'),
  barcodeTaken: () => new AppError(409, 'product.barcode_taken', 'Ya existe un producto activo con ese código de barras.'),
  hasStock: (onHand: string) =>
    new AppError(409, 'product.has_stock', 'No se puede archivar un producto con stock; primero llévelo a cero.', {
      extra: { on_hand: onHand },
    }),
  archived: () => new AppError(409, 'product.archived', 'El producto está archivado.'),
  supplierNotFound: () => new AppError(404, 'supplier.not_found', 'El proveedor no existe.'),
  unknownSupplier: () => validationError([{ path: 'supplier_id', message: 'el proveedor no existe' }]),
  cuitTaken: () => new AppError(409, 'supplier.cuit_taken', 'Ya existe un proveedor con ese CUIT.'),
  locationNotFound: () => new AppError(404, 'location.not_found', 'El depósito no existe.'),
  locationCodeTaken: () => new AppError(409, 'location.code_taken', 'Ya existe un depósito con ese código.'),
};

// Races that pass the service's checks are still caught by the database's constraints.
registerConstraintError('products_sku_active_key', CatalogErrors.skuTaken);
registerConstraintError('products_barcode_active_key', CatalogErrors.barcodeTaken);
registerConstraintError('suppliers_cuit_key', CatalogErrors.cuitTaken);
registerConstraintError('locations_code_key', CatalogErrors.locationCodeTaken);
registerConstraintError('products_supplier_id_suppliers_id_fk', CatalogErrors.unknownSupplier);
registerConstraintError('products_stock_bounds_check', () =>
  validationError([{ path: 'max_stock', message: 'el stock máximo no puede ser menor que el mínimo' }]),
);
