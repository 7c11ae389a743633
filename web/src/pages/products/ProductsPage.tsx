// Productos: search and filters, the paged list, create/edit/archive (catalog:write only) and
// the CSV export of the current filter.
import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { Product } from '../../api/types.ts';
import { useSignedIn } from '../../auth/session.tsx';
import { Dialog } from '../../components/Dialog.tsx';
import { Page } from '../../components/Page.tsx';
import { QueryView, errorMessage } from '../../components/states.tsx';
import { t } from '../../i18n/index.ts';
import { ArchiveProduct } from './ArchiveProduct.tsx';
import { exportProducts } from './exportCsv.ts';
import { ProductFilters } from './ProductFilters.tsx';
import { ProductForm } from './ProductForm.tsx';
import { ProductTable } from './ProductTable.tsx';
import { suppliersQuery, useCategories, useProductFilters, useProductPages, useSupplierOptions } from './queries.ts';
import './products.css';

type Editing = { mode: 'create' } | { mode: 'edit'; product: Product } | { mode: 'archive'; product: Product } | null;
type Status = { kind: 'ok' | 'error'; text: string } | null;

export default function ProductsPage() {
  const { can } = useSignedIn();
  const canWrite = can('catalog:write');
  const queryClient = useQueryClient();
  const [filters, setFilters] = useProductFilters();
  const list = useProductPages(filters);
  const suppliers = useSupplierOptions();
  const categories = useCategories();
  const [editing, setEditing] = useState<Editing>(null);
  const [status, setStatus] = useState<Status>(null);
  const [exporting, setExporting] = useState(false);

  const close = () => setEditing(null);
  const afterWrite = (text: string) => {
    setEditing(null);
    setStatus({ kind: 'ok', text });
    void queryClient.invalidateQueries({ queryKey: ['products'] });
  };

  const runExport = async () => {
    setExporting(true);
    setStatus(null);
    try {
      const count = await exportProducts(filters, () => queryClient.fetchQuery(suppliersQuery));
      setStatus({ kind: 'ok', text: t.products.export.done(count) });
    } catch (error) {
      setStatus({ kind: 'error', text: errorMessage(error) });
    } finally {
      setExporting(false);
    }
  };

  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = Boolean(filters.q || filters.category || filters.supplier_id || filters.below_min || filters.archived);

  return (
    <Page
      title={t.products.title}
      actions={
        <>
          <button type="button" onClick={() => void runExport()} disabled={exporting}>
            {exporting ? t.products.export.running : t.actions.export}
          </button>
          {canWrite && (
            <button type="button" className="primary" onClick={() => setEditing({ mode: 'create' })}>
              {t.products.create}
            </button>
          )}
        </>
      }
    >
      <ProductFilters filters={filters} onChange={setFilters} categories={categories.data ?? []} suppliers={suppliers.data ?? []} />

      <div className="product-status" aria-live="polite" role="status">
        {status && <p className={status.kind === 'ok' ? 'notice ok' : 'form-error'}>{status.text}</p>}
      </div>

      <QueryView query={list} rows={8} isEmpty={() => items.length === 0} empty={filtered ? t.products.empty : t.products.emptyCatalog}>
        {() => (
          <>
            <ProductTable
              items={items}
              busy={list.isPlaceholderData}
              canWrite={canWrite}
              onEdit={(product) => setEditing({ mode: 'edit', product })}
              onArchive={(product) => setEditing({ mode: 'archive', product })}
            />
            <div className="product-list-footer">
              <span className="muted">{t.products.table.count(items.length, list.hasNextPage)}</span>
              {list.hasNextPage && (
                <button type="button" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
                  {list.isFetchingNextPage ? t.states.loading : t.states.loadMore}
                </button>
              )}
            </div>
            {list.isFetchNextPageError && <p className="form-error" role="alert">{errorMessage(list.error)}</p>}
          </>
        )}
      </QueryView>

      {canWrite && (
        <>
          <Dialog
            title={editing?.mode === 'edit' ? t.products.editTitle(editing.product.sku) : t.products.createTitle}
            open={editing?.mode === 'create' || editing?.mode === 'edit'}
            onClose={close}
          >
            {(editing?.mode === 'create' || editing?.mode === 'edit') && (
              <ProductForm
                key={editing.mode === 'edit' ? editing.product.id : 'new'}
                product={editing.mode === 'edit' ? editing.product : undefined}
                suppliers={suppliers.data ?? []}
                categories={categories.data ?? []}
                onCancel={close}
                onSaved={(saved) => {
                  if (!saved) return afterWrite(t.products.noChanges);
                  afterWrite(editing.mode === 'edit' ? t.products.updated(saved.sku) : t.products.created(saved.sku));
                }}
              />
            )}
          </Dialog>
          <Dialog title={t.products.archiveDialog.title} open={editing?.mode === 'archive'} onClose={close}>
            {editing?.mode === 'archive' && (
              <ArchiveProduct product={editing.product} onCancel={close} onDone={() => afterWrite(t.products.archived(editing.product.sku))} />
            )}
          </Dialog>
        </>
      )}
    </Page>
  );
}
