import { z } from 'zod';
import { decimalString, isoTimestamp, paginationQuery } from '../../platform/http/schemas.ts';
import { MODEL_NAMES } from './models/types.ts';

const modelName = z.enum([...MODEL_NAMES, 'none']).meta({
  description: 'seasonal_naive (semanal), ses (suavizado exponencial simple), holt_winters (tendencia amortiguada y estacionalidad semanal), croston_sba (demanda intermitente) o none (sin historia)',
});
const ratio = z.number().nullable().meta({ description: 'null cuando no hay historia suficiente para medirlo' });

export const reorderQuery = z.object({ ...paginationQuery, limit: paginationQuery.limit.default(500), supplier_id: z.uuid().optional() });

export const reorderItem = z.object({
  product_id: z.string(),
  sku: z.string(),
  name: z.string(),
  unit: z.string(),
  supplier_id: z.string().nullable(),
  on_hand: decimalString,
  daily_demand: decimalString,
  lead_time_days: z.number().int(),
  adjusted_min: decimalString.meta({ description: 'Mínimo estacional de hoy (el de /stock/critical): piso del punto de pedido' }),
  safety_stock: decimalString,
  reorder_point: decimalString,
  suggested_qty: decimalString,
  below_reorder_point: z.boolean().meta({ description: 'El stock ya está en el punto de pedido o por debajo: pedir ahora' }),
  model: modelName,
  history_through: z.iso.date().meta({ description: 'Último día completo de ventas del pronóstico usado: ayer, salvo mientras se recalcula' }),
});

export const reorderResponse = z.object({
  date: z.iso.date(),
  items: z.array(reorderItem),
  next_cursor: z.string().nullable(),
  stale_forecasts: z
    .number()
    .int()
    .meta({ description: 'Productos (de la tienda o del proveedor pedido) calculados con el pronóstico anterior mientras se recalcula en segundo plano; 0 = todo al día' }),
});

export const forecastQuery = z.object({ days: z.coerce.number().int().min(1).max(90).default(30) });

const evaluation = z.object({ mase: ratio, wape: ratio });

export const forecastResponse = z.object({
  product_id: z.string(),
  model: modelName,
  history_through: z.iso.date().meta({ description: 'Último día completo de ventas usado' }),
  observed_days: z.number().int(),
  censored_days: z.number().int().meta({ description: 'Días sin stock: demanda desconocida, excluidos' }),
  computed_at: isoTimestamp,
  points: z.array(z.object({ date: z.iso.date(), demand: decimalString, low: decimalString, high: decimalString })),
  backtest: evaluation,
  candidates: z.record(z.string(), evaluation).meta({ description: 'Backtest de cada modelo candidato' }),
});
