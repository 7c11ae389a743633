// Every user-facing string lives under i18n/<locale>/, one file per area (each page owns its
// file). Adding a language means adding a folder with the same shape and choosing it here.
import { audit } from './es-AR/audit.ts';
import { common } from './es-AR/common.ts';
import { critical } from './es-AR/critical.ts';
import { customers } from './es-AR/customers.ts';
import { home } from './es-AR/home.ts';
import { invoices } from './es-AR/invoices.ts';
import { pricing } from './es-AR/pricing.ts';
import { privacy } from './es-AR/privacy.ts';
import { products } from './es-AR/products.ts';
import { purchasing } from './es-AR/purchasing.ts';
import { stock } from './es-AR/stock.ts';
import { suppliers } from './es-AR/suppliers.ts';
import { users } from './es-AR/users.ts';

export const locale = 'es-AR';

export const t = {
  ...common,
  home,
  products,
  stock,
  critical,
  suppliers,
  customers,
  audit,
  users,
  pricing,
  purchasing,
  invoices,
  privacy,
};

export type Strings = typeof t;
