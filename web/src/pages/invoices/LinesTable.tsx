// The invoice's lines with their product: the product chosen (and how: supplier code, barcode,
// name… with its confidence), or the suggested candidates with theirs, a search over the whole
// catalog, and "Crear producto" for what the store does not sell yet. Each change PATCHes all
// lines (the API replaces them), keeping a computed cost computed.
import { useState } from 'react';
import { useMutation, useQueries, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import type { Product } from '../../api/types.ts';
import { TableScroll } from '../../components/Page.tsx';
import { fieldError } from '../../components/form.tsx';
import { t } from '../../i18n/index.ts';
import { money, quantity } from '../../lib/format.ts';
import { addLine, invoiceErrorMessage, patchLine, pct, removeLine, type Invoice, type InvoiceLine, type LinePatch } from './model.ts';
import { CreateProductDialog, EditLineDialog, ProductSearchDialog } from './LineDialogs.tsx';

const s = t.invoices.lines;
const productKey = (id: string) => ['invoices', 'product', id] as const;
type Open = { kind: 'search' | 'create' | 'edit'; index: number } | null;

export function LinesTable({ invoice, editable, confirmError, onSaved }: { invoice: Invoice; editable: boolean; confirmError: unknown; onSaved: (invoice: Invoice) => void }) {
  const [open, setOpen] = useState<Open>(null);
  const queryClient = useQueryClient();
  /** A product just chosen or created is known: its name shows without another request. */
  const remember = (p: Product) => queryClient.setQueryData(productKey(p.id), p);
  const [note, setNote] = useState('');
  const [busyLine, setBusyLine] = useState<number | null>(null);

  // Names of the products chosen that the candidates do not already carry.
  const known = new Map<string, string>();
  invoice.lines.forEach((l) => l.match.candidates.forEach((c) => known.set(c.product_id, `${c.name} (${c.sku})`)));
  const missing = [...new Set(invoice.lines.map((l) => l.product_id).filter((id): id is string => id !== null && !known.has(id)))];
  const products = useQueries({
    queries: missing.map((id) => ({ queryKey: productKey(id), queryFn: () => api.get<Product>(`/products/${id}`), staleTime: 60_000 })),
  });
  products.forEach((q) => q.data && known.set(q.data.id, `${q.data.name} (${q.data.sku})`));

  const save = useMutation({
    mutationFn: ({ index, change = {}, op = 'patch' }: { index: number; change?: Partial<LinePatch>; op?: 'patch' | 'add' | 'remove'; note: string }) =>
      op === 'add' ? addLine(invoice, change) : op === 'remove' ? removeLine(invoice, index) : patchLine(invoice, index, change),
    onMutate: ({ index }) => setBusyLine(index),
    onSuccess: (result, { note: text }) => {
      setNote(text);
      setOpen(null);
      onSaved(result);
    },
    onSettled: () => setBusyLine(null),
  });
  const assign = (index: number, productId: string | null, name: string | null) =>
    save.mutate({ index, change: { product_id: productId }, note: productId ? s.mappedNote(index + 1, name ?? '') : s.unmappedNote(index + 1) });

  const mapped = invoice.lines.filter((l) => l.product_id).length;
  const current = open ? invoice.lines[open.index] : undefined;

  return (
    <section className="invoice-lines" aria-labelledby="invoice-lines-title">
      <div className="section-header">
        <h2 id="invoice-lines-title">{s.title}</h2>
        {invoice.lines.length > 0 && <span className="muted">{s.summary(mapped, invoice.lines.length)}</span>}
        {editable && (
          <button type="button" onClick={() => setOpen({ kind: 'edit', index: invoice.lines.length })}>
            {s.add}
          </button>
        )}
      </div>
      <p className="saved-note" aria-live="polite">
        {note}
      </p>
      {save.error !== null && !open && (
        <p className="form-error" role="alert">
          {invoiceErrorMessage(save.error)}
        </p>
      )}
      {invoice.lines.length === 0 ? (
        <p className="empty">{s.empty}</p>
      ) : (
        <TableScroll label={s.tableLabel}>
          <table className="lines-table">
            <thead>
              <tr>
                <th scope="col">{s.cols.description}</th>
                <th scope="col">{s.cols.product}</th>
                <th scope="col" className="num">
                  {s.cols.quantity}
                </th>
                <th scope="col" className="num">
                  {s.cols.unitPrice}
                </th>
                <th scope="col" className="num">
                  {s.cols.amount}
                </th>
                <th scope="col" className="num">
                  {s.cols.unitCost}
                </th>
              </tr>
            </thead>
            <tbody>
              {invoice.lines.map((line, i) => (
                <tr key={i} className={line.product_id ? undefined : 'unmapped'}>
                  <td className="wrap description-cell">
                    <span className="line-n">{i + 1}.</span> {line.description}
                    {line.code && <span className="row-meta mono">{s.codeLabel(line.code)}</span>}
                    <span className="row-meta phone-only">{s.phoneSummary(quantity(line.quantity), money(line.unit_price), money(line.amount))}</span>
                    {editable && (
                      <button type="button" className="link small edit-line" onClick={() => setOpen({ kind: 'edit', index: i })} aria-label={s.editFor(i + 1)}>
                        {s.edit}
                      </button>
                    )}
                  </td>
                  <td className="product-cell">
                    <ProductCell
                      line={line}
                      index={i}
                      name={line.product_id ? (known.get(line.product_id) ?? '…') : null}
                      editable={editable}
                      busy={busyLine === i}
                      error={fieldError(confirmError, `lines.${i}.product_id`) ?? fieldError(confirmError, `lines.${i}`)}
                      onAssign={assign}
                      onOpen={(kind) => setOpen({ kind, index: i })}
                    />
                  </td>
                  <td className="num">{quantity(line.quantity)}</td>
                  <td className="num">{money(line.unit_price)}</td>
                  <td className="num">{money(line.amount)}</td>
                  <td className="num">
                    {money(line.unit_cost)}
                    {line.unit_cost_source === 'manual' && <span className="row-meta">{s.manualCost}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}

      {open?.kind === 'search' && current && (
        <ProductSearchDialog line={current} index={open.index} busy={save.isPending} error={save.error} onClose={() => setOpen(null)} onChoose={(p) => {
            remember(p);
            assign(open.index, p.id, p.name);
          }} />
      )}
      {open?.kind === 'create' && current && (
        <CreateProductDialog invoice={invoice} line={current} index={open.index} onClose={() => setOpen(null)} onSaved={(result, text, product) => {
          remember(product);
          setNote(text);
          setOpen(null);
          onSaved(result);
        }} />
      )}
      {open?.kind === 'edit' && (
        <EditLineDialog
          line={current}
          index={open.index}
          busy={save.isPending}
          error={save.error}
          onClose={() => setOpen(null)}
          onSave={(change) =>
            current
              ? save.mutate({ index: open.index, change, note: s.lineSaved(open.index + 1) })
              : save.mutate({ index: open.index, change, op: 'add', note: s.lineAdded(open.index + 1) })
          }
          onRemove={current ? () => save.mutate({ index: open.index, op: 'remove', note: s.lineRemoved(open.index + 1) }) : undefined}
        />
      )}
    </section>
  );
}

function ProductCell({
  line,
  index,
  name,
  editable,
  busy,
  error,
  onAssign,
  onOpen,
}: {
  line: InvoiceLine;
  index: number;
  name: string | null;
  editable: boolean;
  busy: boolean;
  error: string | undefined;
  onAssign: (index: number, productId: string | null, name: string | null) => void;
  onOpen: (kind: 'search' | 'create') => void;
}) {
  const n = index + 1;
  const method = line.match.method ? (s.methods[line.match.method] ?? line.match.method) : null;
  return (
    <div className="product-mapping">
      {line.product_id ? (
        <p className="mapped">
          <span className="product-name">{name}</span>
          {method && <span className="row-meta">{s.mapped(method, pct(line.match.confidence))}</span>}
        </p>
      ) : (
        <p className="unmapped-label">
          <span className="badge warn">{s.unmapped}</span>
        </p>
      )}
      {error && <p className="field-error small">{error}</p>}
      {!line.product_id && line.match.candidates.length > 0 && (
        <div className="candidates">
          <span className="row-meta">{s.candidates}</span>
          {line.match.candidates.map((c) =>
            editable ? (
              <button key={c.product_id} type="button" disabled={busy} onClick={() => onAssign(index, c.product_id, c.name)} aria-label={s.useCandidate(s.candidate(c.name, c.sku, Math.round(c.score * 100)), n)}>
                {s.candidate(c.name, c.sku, Math.round(c.score * 100))}
              </button>
            ) : (
              <span key={c.product_id} className="candidate">
                {s.candidate(c.name, c.sku, Math.round(c.score * 100))}
              </span>
            ),
          )}
        </div>
      )}
      {editable && (
        <div className="mapping-actions">
          <button type="button" disabled={busy} onClick={() => onOpen('search')} aria-label={line.product_id ? s.changeFor(n) : s.searchFor(n)}>
            {line.product_id ? s.change : s.search}
          </button>
          {line.product_id ? (
            <button type="button" disabled={busy} onClick={() => onAssign(index, null, null)} aria-label={s.unmapFor(n)}>
              {s.unmap}
            </button>
          ) : (
            <button type="button" disabled={busy} onClick={() => onOpen('create')} aria-label={s.createFor(n)}>
              {s.create}
            </button>
          )}
          {busy && <span className="muted small">{s.saving}</span>}
        </div>
      )}
    </div>
  );
}
