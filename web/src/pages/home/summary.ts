// GET /api/v1/reports/summary (docs/api.md). Decimals are strings.
export interface DailyPoint {
  date: string;
  sales_quantity: string;
  sales_value: string;
  receipts_quantity: string;
  receipts_value: string;
}

export interface Summary {
  as_of: string;
  timezone: string;
  today: string;
  stock_value: string;
  products_active: number;
  below_min_count: number;
  movements_today: number;
  invoices_pending: number | null;
  open_alerts: number | null;
  daily: DailyPoint[];
  value_by_category: Array<{ category: string; value: string; products: number }>;
}
