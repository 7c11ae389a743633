import { z } from 'zod';
import { decimalString, isoTimestamp } from '../../platform/http/schemas.ts';

const isoDate = z.string().meta({ description: 'Fecha YYYY-MM-DD en la zona horaria del comercio', examples: ['2026-03-01'] });
const money = decimalString.meta({ description: 'Importe exacto a costo, con 2 decimales', examples: ['1234.50'] });

export const summaryQuery = z.object({
  days: z.coerce.number().int().min(7).max(90).default(30).meta({ description: 'Días de la serie diaria, hoy incluido (7–90)' }),
});
export type SummaryQuery = z.infer<typeof summaryQuery>;

export const dailyPoint = z.object({
  date: isoDate,
  sales_quantity: decimalString,
  sales_value: money,
  receipts_quantity: decimalString,
  receipts_value: money,
});

export const categoryValue = z.object({
  category: z.string(),
  value: money,
  products: z.number().int(),
});

export const summaryResponse = z.object({
  as_of: isoTimestamp,
  timezone: z.string(),
  today: isoDate,
  stock_value: money,
  products_active: z.number().int(),
  below_min_count: z.number().int(),
  movements_today: z.number().int(),
  invoices_pending: z.number().int().nullable().meta({ description: 'Facturas en borrador que esperan revisión' }),
  open_alerts: z.number().int().nullable().meta({ description: 'Alertas de auditoría abiertas; null si el rol no tiene audit:read' }),
  daily: z.array(dailyPoint),
  value_by_category: z.array(categoryValue),
});
export type Summary = z.infer<typeof summaryResponse>;
