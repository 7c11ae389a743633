// The dialogs of one invoice line: search any product of the catalog for it, create a product
// from it (POST /products, then the line's product_id), and correct what was read.
import { useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { api, type Page as ApiPage } from '../../api/client.ts';
import type { Product } from '../../api/types.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { Field, FormError, SelectField, fieldError } from '../../components/form.tsx';
import { t } from '../../i18n/index.ts';
import { money, quantity } from '../../lib/format.ts';
import { parseDecimalInput, toInputDecimal } from '../../lib/decimal.ts';
import { invoiceErrorMessage, patchLine, type Invoice, type InvoiceLine, type LinePatch } from './model.ts';

function LineSummary({ line }: { line: InvoiceLine }) {
  return (
    <p className="line-summary">
      <span className="muted">{t.invoices.search.lineText}:</span> {line.description} · {quantity(line.quantity)} × {money(line.unit_price)}
    </p>
  );
}

type SearchState = { kind: 'idle' } | { kind: 'searching' } | { kind: 'results'; items: Product[] } | { kind: 'error'; error: unknown };

export function ProductSearchDialog({
  line,
  index,
  busy,
  error,
  onClose,
  onChoose,
}: {
  line: InvoiceLine;
  index: number;
  busy: boolean;
  error: unknown;
  onClose: () => void;
  onChoose: (product: Product) => void;
}) {
  const s = t.invoices.search;
  const [text, setText] = useState(line.code ?? line.description.split(/\s+/).slice(0, 2).join(' '));
  const [state, setState] = useState<SearchState>({ kind: 'idle' });

  async function search(event: FormEvent) {
    event.preventDefault();
    const value = text.trim();
    if (!value || state.kind === 'searching') return;
    setState({ kind: 'searching' });
    try {
      let items = (await api.get<ApiPage<Product>>('/products', { barcode: value, limit: 5 })).items;
      if (items.length === 0) items = (await api.get<ApiPage<Product>>('/products', { q: value, limit: 20 })).items;
      setState({ kind: 'results', items });
    } catch (err) {
      setState({ kind: 'error', error: err });
    }
  }

  return (
    <Dialog title={s.title(index + 1)} open onClose={onClose}>
      <LineSummary line={line} />
      <form className="product-search" role="search" onSubmit={(e) => void search(e)} aria-label={s.title(index + 1)}>
        <Field label={s.label} value={text} onChange={(e) => setText(e.target.value)} autoComplete="off" enterKeyHint="search" />
        <button type="submit" disabled={state.kind === 'searching'}>
          {state.kind === 'searching' ? s.searching : s.submit}
        </button>
      </form>
      <div aria-live="polite">
        {state.kind === 'results' && <p className="muted">{state.items.length === 0 ? s.none : s.results(state.items.length)}</p>}
        {state.kind === 'error' && <p className="field-error">{invoiceErrorMessage(state.error)}</p>}
      </div>
      {state.kind === 'results' && state.items.length > 0 && (
        <ul className="search-results">
          {state.items.map((p) => (
            <li key={p.id}>
              <button type="button" disabled={busy} onClick={() => onChoose(p)}>
                <span className="product-name">{p.name}</span>
                <span className="muted small">
                  {p.sku}
                  {p.barcode ? ` · ${p.barcode}` : ''}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <FormError error={error} />
    </Dialog>
  );
}

const VAT_RATES = ['0', '10.5', '21', '27'];
const UNITS = ['unit', 'kg', 'l'];

export function CreateProductDialog({
  invoice,
  line,
  index,
  onClose,
  onSaved,
}: {
  invoice: Invoice;
  line: InvoiceLine;
  index: number;
  onClose: () => void;
  onSaved: (invoice: Invoice, note: string, product: Product) => void;
}) {
  const s = t.invoices.createProduct;
  const code = (line.code ?? '').toUpperCase().replace(/[^A-Z0-9_-]/g, '');
  const [form, setForm] = useState({
    sku: code.slice(0, 50),
    name: line.description,
    category: '',
    unit: 'unit',
    barcode: /^\d{8,14}$/.test(line.code ?? '') ? (line.code ?? '') : '',
    cost: toInputDecimal(line.unit_cost),
    sale: '',
    vat: line.vat_rate && VAT_RATES.includes(line.vat_rate) ? line.vat_rate : '21',
  });
  const [local, setLocal] = useState<Record<string, string>>({});
  // Kept once created: a retry after a failed assignment does not create it twice.
  const [created, setCreated] = useState<Product | null>(null);
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value }));

  const create = useMutation({
    mutationFn: async (body: Record<string, unknown>) => {
      const product = created ?? (await api.post<Product>('/products', body));
      setCreated(product);
      const result = await patchLine(invoice, index, { product_id: product.id });
      return { product, result };
    },
    onSuccess: ({ product, result }) => onSaved(result, s.created(product.name, index + 1), product),
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    const problems: Record<string, string> = {};
    const cost = parseDecimalInput(form.cost, { maxDecimals: 2 });
    const sale = parseDecimalInput(form.sale, { maxDecimals: 2 });
    if (cost === null || cost === '') problems.cost_price = t.invoices.review.invalidMoney;
    if (sale === null) problems.sale_price = t.invoices.review.invalidMoney;
    setLocal(problems);
    if (Object.keys(problems).length > 0) return;
    create.mutate({
      sku: form.sku.trim(),
      name: form.name.trim(),
      category: form.category.trim(),
      unit: form.unit,
      barcode: form.barcode.trim() || null,
      cost_price: cost,
      sale_price: sale || null,
      vat_rate: form.vat,
      supplier_id: invoice.supplier_id,
    });
  }

  const err = (path: string) => local[path] ?? fieldError(create.error, path);
  return (
    <Dialog title={s.title(index + 1)} open onClose={onClose}>
      <LineSummary line={line} />
      <p className="muted small">{s.intro}</p>
      <form onSubmit={submit} noValidate>
        <div className="form-grid">
          <Field label={s.sku} value={form.sku} onChange={set('sku')} required autoComplete="off" error={err('sku')} disabled={created !== null} />
          <Field label={s.name} value={form.name} onChange={set('name')} required autoComplete="off" error={err('name')} disabled={created !== null} />
          <Field label={s.category} value={form.category} onChange={set('category')} required autoComplete="off" error={err('category')} disabled={created !== null} />
          <SelectField label={s.unit} value={form.unit} onChange={set('unit')} options={UNITS.map((u) => ({ value: u, label: s.units[u] ?? u }))} error={err('unit')} disabled={created !== null} />
          <Field label={s.barcode} value={form.barcode} onChange={set('barcode')} autoComplete="off" inputMode="numeric" error={err('barcode')} disabled={created !== null} />
          <Field label={s.cost} value={form.cost} onChange={set('cost')} required inputMode="decimal" autoComplete="off" error={err('cost_price')} disabled={created !== null} />
          <Field label={s.salePrice} value={form.sale} onChange={set('sale')} inputMode="decimal" autoComplete="off" error={err('sale_price')} disabled={created !== null} />
          <SelectField label={s.vat} value={form.vat} onChange={set('vat')} options={VAT_RATES.map((r) => ({ value: r, label: s.vatOptions[r] ?? r }))} error={err('vat_rate')} disabled={created !== null} />
        </div>
        <FormError error={create.error} />
        <div className="form-actions">
          <button type="button" onClick={onClose}>
            {t.actions.cancel}
          </button>
          <button type="submit" className="primary" disabled={create.isPending}>
            {create.isPending ? s.submitting : s.submit}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function EditLineDialog({
  line,
  index,
  busy,
  error,
  onClose,
  onSave,
  onRemove,
}: {
  /** Undefined for a new line. */
  line: InvoiceLine | undefined;
  index: number;
  busy: boolean;
  error: unknown;
  onClose: () => void;
  onSave: (change: Partial<LinePatch>) => void;
  onRemove: (() => void) | undefined;
}) {
  const s = t.invoices.editLine;
  const [form, setForm] = useState({
    description: line?.description ?? '',
    code: line?.code ?? '',
    quantity: toInputDecimal(line?.quantity),
    unit_price: toInputDecimal(line?.unit_price),
    discount_rate: toInputDecimal(line?.discount_rate),
    amount: toInputDecimal(line?.amount),
    unit_cost: line?.unit_cost_source === 'manual' ? toInputDecimal(line.unit_cost) : '',
  });
  const [local, setLocal] = useState<Record<string, string>>({});
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value }));

  function submit(event: FormEvent) {
    event.preventDefault();
    const problems: Record<string, string> = {};
    const num = (key: keyof typeof form, maxDecimals: number) => {
      const parsed = parseDecimalInput(form[key], { maxDecimals });
      if (parsed === null) problems[key] = s.invalid;
      return parsed ?? '';
    };
    const qty = num('quantity', 3);
    const price = num('unit_price', 6);
    const discount = num('discount_rate', 2);
    const amount = num('amount', 2);
    const cost = num('unit_cost', 2);
    setLocal(problems);
    if (Object.keys(problems).length > 0) return;
    onSave({
      description: form.description.trim(),
      code: form.code.trim() || null,
      quantity: qty,
      unit_price: price,
      discount_rate: discount || null,
      amount: amount || undefined,
      unit_cost: cost || null,
    });
  }

  const err = (key: string) => local[key] ?? fieldError(error, `lines.${index}.${key}`);
  return (
    <Dialog title={line ? s.title(index + 1) : s.newTitle(index + 1)} open onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <div className="form-grid">
          <Field label={s.description} value={form.description} onChange={set('description')} required autoComplete="off" error={err('description')} />
          <Field label={s.code} value={form.code} onChange={set('code')} autoComplete="off" error={err('code')} />
          <Field label={s.quantity} value={form.quantity} onChange={set('quantity')} required inputMode="decimal" autoComplete="off" error={err('quantity')} />
          <Field label={s.unitPrice} value={form.unit_price} onChange={set('unit_price')} required inputMode="decimal" autoComplete="off" error={err('unit_price')} />
          <Field label={s.discount} value={form.discount_rate} onChange={set('discount_rate')} inputMode="decimal" autoComplete="off" error={err('discount_rate')} />
          <Field label={s.amount} value={form.amount} onChange={set('amount')} inputMode="decimal" autoComplete="off" hint={s.amountHint} error={err('amount')} />
          <Field label={s.unitCost} value={form.unit_cost} onChange={set('unit_cost')} inputMode="decimal" autoComplete="off" hint={s.unitCostHint} error={err('unit_cost')} />
        </div>
        <FormError error={error} />
        <div className="form-actions">
          {onRemove && (
            <button type="button" className="danger remove-line" onClick={onRemove} disabled={busy}>
              {s.remove}
            </button>
          )}
          <button type="button" onClick={onClose}>
            {t.actions.cancel}
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? t.actions.saving : s.save}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
