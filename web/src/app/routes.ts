// The dashboard's sections: path, nav label, the permission that shows it, and the page module
// (loaded on first visit so the first page stays small).
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { Permission } from '../auth/session.tsx';
import { t } from '../i18n/index.ts';

export interface Section {
  path: string;
  label: string;
  permission: Permission;
  page: LazyExoticComponent<ComponentType>;
}

export const SECTIONS: Section[] = [
  { path: '/', label: t.nav.home, permission: 'catalog:read', page: lazy(() => import('../pages/home/HomePage.tsx')) },
  { path: '/productos', label: t.nav.products, permission: 'catalog:read', page: lazy(() => import('../pages/products/ProductsPage.tsx')) },
  { path: '/stock', label: t.nav.stock, permission: 'catalog:read', page: lazy(() => import('../pages/stock/StockPage.tsx')) },
  { path: '/critico', label: t.nav.critical, permission: 'catalog:read', page: lazy(() => import('../pages/critical/CriticalPage.tsx')) },
  { path: '/proveedores', label: t.nav.suppliers, permission: 'catalog:read', page: lazy(() => import('../pages/suppliers/SuppliersPage.tsx')) },
  { path: '/precios', label: t.pricing.title, permission: 'pricing:manage', page: lazy(() => import('../pages/pricing/PricingPage.tsx')) },
  { path: '/facturas', label: t.invoices.title, permission: 'invoices:upload', page: lazy(() => import('../pages/invoices/InvoicesPage.tsx')) },
  { path: '/compras', label: t.purchasing.title, permission: 'forecast:read', page: lazy(() => import('../pages/purchasing/PurchasingPage.tsx')) },
  { path: '/clientes', label: t.nav.customers, permission: 'customers:manage', page: lazy(() => import('../pages/customers/CustomersPage.tsx')) },
  { path: '/privacidad', label: t.privacy.title, permission: 'customers:privacy', page: lazy(() => import('../pages/privacy/PrivacyPage.tsx')) },
  { path: '/auditoria', label: t.nav.audit, permission: 'audit:read', page: lazy(() => import('../pages/audit/AuditPage.tsx')) },
  { path: '/usuarios', label: t.nav.users, permission: 'admin', page: lazy(() => import('../pages/users/UsersPage.tsx')) },
];
