// Proveedores: the list (search by name, cursor pages) and create/edit for catalog:write roles.
import { useEffect, useState } from 'react';
import { keepPreviousData, useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Page as ApiPage } from '../../api/client.ts';
import type { Supplier } from '../../api/types.ts';
import { useSignedIn } from '../../auth/session.tsx';
import { Dialog } from '../../components/Dialog.tsx';
import { Field } from '../../components/form.tsx';
import { Page } from '../../components/Page.tsx';
import { QueryView, errorMessage } from '../../components/states.tsx';
import { t } from '../../i18n/index.ts';
import { SupplierForm } from './SupplierForm.tsx';
import { SupplierTable } from './SupplierTable.tsx';
import './suppliers.css';

const s = t.suppliers;
type Editing = { mode: 'create' } | { mode: 'edit'; supplier: Supplier } | null;

export default function SuppliersPage() {
  const { can } = useSignedIn();
  const canWrite = can('catalog:write');
  const queryClient = useQueryClient();
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const [editing, setEditing] = useState<Editing>(null);
  const [status, setStatus] = useState('');

  useEffect(() => {
    const timer = window.setTimeout(() => setQ(text.trim()), 350);
    return () => window.clearTimeout(timer);
  }, [text]);

  const list = useInfiniteQuery({
    queryKey: ['suppliers', 'list', q],
    queryFn: ({ pageParam, signal }) => api.get<ApiPage<Supplier>>('/suppliers', { q: q || undefined, limit: 50, cursor: pageParam }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
    placeholderData: keepPreviousData,
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];

  const close = () => setEditing(null);
  const saved = (supplier: Supplier | null, created: boolean) => {
    setEditing(null);
    setStatus(supplier ? (created ? s.created(supplier.name) : s.updated(supplier.name)) : s.noChanges);
    void queryClient.invalidateQueries({ queryKey: ['suppliers'] });
  };

  return (
    <Page
      title={s.title}
      actions={
        canWrite && (
          <button type="button" className="primary" onClick={() => setEditing({ mode: 'create' })}>
            {s.create}
          </button>
        )
      }
    >
      <form
        className="card filters supplier-search"
        role="search"
        aria-label={s.search}
        onSubmit={(e) => {
          e.preventDefault();
          setQ(text.trim());
        }}
      >
        <Field label={s.search} type="search" value={text} onChange={(e) => setText(e.target.value)} hint={s.searchHint} autoComplete="off" enterKeyHint="search" />
        <button type="submit">{t.actions.search}</button>
      </form>

      <div className="supplier-status" role="status" aria-live="polite">
        {status && <p className="notice ok">{status}</p>}
      </div>

      <QueryView query={list} rows={6} isEmpty={() => items.length === 0} empty={q ? s.empty : s.emptyAll}>
        {() => (
          <>
            <SupplierTable items={items} canWrite={canWrite} busy={list.isPlaceholderData} onEdit={(supplier) => setEditing({ mode: 'edit', supplier })} />
            {list.hasNextPage && (
              <div className="supplier-list-footer">
                <button type="button" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
                  {list.isFetchingNextPage ? t.states.loading : t.states.loadMore}
                </button>
              </div>
            )}
            {list.isFetchNextPageError && (
              <p className="form-error" role="alert">
                {errorMessage(list.error)}
              </p>
            )}
          </>
        )}
      </QueryView>

      {canWrite && (
        <Dialog title={editing?.mode === 'edit' ? s.editTitle(editing.supplier.name) : s.createTitle} open={editing !== null} onClose={close}>
          {editing && (
            <SupplierForm
              key={editing.mode === 'edit' ? editing.supplier.id : 'new'}
              supplier={editing.mode === 'edit' ? editing.supplier : undefined}
              onCancel={close}
              onSaved={(supplier) => saved(supplier, editing.mode === 'create')}
            />
          )}
        </Dialog>
      )}
    </Page>
  );
}
