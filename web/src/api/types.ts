// Shapes of the API's JSON, as API.md defines them. Decimals arrive as strings.
export type Role = 'admin' | 'manager' | 'clerk' | 'auditor';

export interface SessionUser {
  id: string;
  username: string;
  role: Role;
}

export interface Session {
  csrf_token: string;
  user: SessionUser;
  expires_at: string;
  idle_timeout_seconds: number;
  permissions: string[];
  timezone: string;
}

export interface Product {
  id: string;
  sku: string;
  name: string;
  category: string;
  unit: 'unit' | 'kg' | 'l';
  barcode: string | null;
  supplier_id: string | null;
  cost_price: string;
  sale_price: string | null;
  vat_rate: '0' | '10.5' | '21' | '27';
  min_stock: string;
  max_stock: string | null;
  on_hand: string;
  archived: boolean;
  created_at: string;
  updated_at: string;
}

export interface Supplier {
  id: string;
  name: string;
  cuit: string;
  email?: string | null;
  phone?: string | null;
  address?: string | null;
  vat_condition?: string | null;
  lead_time_days: number;
}

export interface Location {
  id: string;
  code: string;
  name: string;
}

export type MovementType = 'in' | 'out' | 'adjust' | 'transfer';

export interface Movement {
  id: string;
  product_id: string;
  location_id: string;
  type: MovementType;
  quantity: string;
  on_hand_before: string;
  on_hand_after: string;
  unit_cost: string | null;
  reason: string | null;
  reference: string | null;
  to_location_id: string | null;
  actor: string;
  created_at: string;
}

export interface StockLevel {
  product_id: string;
  location_id: string;
  on_hand: string;
}

export interface CriticalItem {
  product_id: string;
  sku: string;
  name: string;
  on_hand: string;
  min_stock: string;
  season: string;
  season_factor: string;
  adjusted_min: string;
  deficit: string;
}
