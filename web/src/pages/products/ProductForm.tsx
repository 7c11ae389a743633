// Create or edit one product. Messages come from the API: `errors[]` of a 400 at each field, and
// the 409 conflicts (SKU, barcode) at the field they are about. The browser only checks what it
// can know for sure (empty required fields, text where a number goes).
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { api, ApiError } from '../../api/client.ts';
import type { Product, Supplier } from '../../api/types.ts';
import { Field, FormError, SelectField, fieldError } from '../../components/form.tsx';
import { t } from '../../i18n/index.ts';
import { compareDecimal, parseDecimalInput, toInputDecimal } from '../../lib/decimal.ts';

const f = t.products.form;

type Key = 'sku' | 'name' | 'category' | 'unit' | 'barcode' | 'supplier_id' | 'cost_price' | 'sale_price' | 'vat_rate' | 'min_stock' | 'max_stock';
type Values = Record<Key, string>;

const FIELD_KEYS: Key[] = ['sku', 'name', 'category', 'unit', 'barcode', 'supplier_id', 'cost_price', 'sale_price', 'vat_rate', 'min_stock', 'max_stock'];
const DECIMAL_KEYS = ['cost_price', 'sale_price', 'min_stock', 'max_stock'] as const;
const NULLABLE_KEYS: Key[] = ['barcode', 'supplier_id', 'sale_price', 'max_stock'];
const REQUIRED_KEYS: Key[] = ['sku', 'name', 'category', 'cost_price'];
/** 409 codes that are about one field: shown at that field. */
const CONFLICT_FIELD: Record<string, Key> = { 'product.sku_taken': 'sku', 'product.barcode_taken': 'barcode' };

function initialValues(p: Product | undefined): Values {
  return {
    sku: p?.sku ?? '',
    name: p?.name ?? '',
    category: p?.category ?? '',
    unit: p?.unit ?? 'unit',
    barcode: p?.barcode ?? '',
    supplier_id: p?.supplier_id ?? '',
    cost_price: toInputDecimal(p?.cost_price),
    sale_price: toInputDecimal(p?.sale_price),
    vat_rate: p?.vat_rate ?? '21',
    min_stock: toInputDecimal(p?.min_stock ?? (p ? '0' : '')),
    max_stock: toInputDecimal(p?.max_stock),
  };
}

/** The request body, or the fields the browser already knows are wrong. */
function toBody(values: Values, original: Product | undefined): { body: Record<string, string | null> } | { problems: Partial<Record<Key, string>> } {
  const problems: Partial<Record<Key, string>> = {};
  const body: Record<string, string | null> = {};
  for (const key of Object.keys(values) as Key[]) {
    if (original && key === 'sku') continue;
    let value: string | null = values[key].trim();
    if ((DECIMAL_KEYS as readonly string[]).includes(key)) {
      const parsed = parseDecimalInput(value);
      if (parsed === null) problems[key] = f.notANumber;
      value = parsed ?? value;
    }
    if (value === '') {
      if (REQUIRED_KEYS.includes(key)) problems[key] = t.form.required;
      if (NULLABLE_KEYS.includes(key)) value = null;
      else if (key === 'min_stock') value = '0';
    }
    body[key] = value;
  }
  if (Object.keys(problems).length > 0) return { problems };
  if (!original) return { body };
  // Editing: send only what changed, so the audit trail and the price history stay honest.
  const changed: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(body)) {
    const before = original[key as keyof Product] as string | null;
    const same =
      (DECIMAL_KEYS as readonly string[]).includes(key) && value !== null && before !== null
        ? compareDecimal(value, before) === 0
        : (value ?? null) === (before ?? null);
    if (!same) changed[key] = value;
  }
  return { body: changed };
}

export function ProductForm({
  product,
  suppliers,
  categories,
  onSaved,
  onCancel,
}: {
  product?: Product | undefined;
  suppliers: Supplier[];
  categories: string[];
  onSaved: (product: Product | null) => void;
  onCancel: () => void;
}) {
  const [values, setValues] = useState<Values>(() => initialValues(product));
  const [problems, setProblems] = useState<Partial<Record<Key, string>>>({});
  /** Fields edited since the last submission: their server message is no longer about them. */
  const [edited, setEdited] = useState<Set<Key>>(new Set());
  const formRef = useRef<HTMLFormElement>(null);
  const listId = useId();

  const mutation = useMutation({
    mutationFn: (body: Record<string, string | null>) =>
      product ? api.patch<Product>(`/products/${product.id}`, body) : api.post<Product>('/products', body),
    onSuccess: (saved) => onSaved(saved),
  });

  const serverError = mutation.error;
  const conflictKey = serverError instanceof ApiError ? CONFLICT_FIELD[serverError.code] : undefined;
  const messageFor = (key: Key): string | undefined => {
    if (problems[key]) return problems[key];
    if (edited.has(key)) return undefined;
    if (conflictKey === key && serverError instanceof ApiError) return t.products.errors[serverError.code] ?? serverError.message;
    return fieldError(serverError, key);
  };

  // After a refused submission, put the keyboard on the first field to fix.
  const [focusTick, setFocusTick] = useState(0);
  useEffect(() => {
    if (focusTick === 0) return;
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [focusTick]);

  const set = (key: Key) => (e: { target: { value: string } }) => {
    const value = key === 'sku' ? e.target.value.toUpperCase() : e.target.value;
    setValues((v) => ({ ...v, [key]: value }));
    setProblems((p) => ({ ...p, [key]: undefined }));
    setEdited((s) => new Set(s).add(key));
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (mutation.isPending) return;
    const result = toBody(values, product);
    if ('problems' in result) {
      setProblems(result.problems);
      mutation.reset();
      setFocusTick((n) => n + 1);
      return;
    }
    setProblems({});
    setEdited(new Set());
    if (Object.keys(result.body).length === 0) {
      onSaved(null);
      return;
    }
    mutation.mutate(result.body, { onError: () => setFocusTick((n) => n + 1) });
  };

  const hasClientProblems = Object.values(problems).some(Boolean);
  // Messages the API attached to something that is not one of the fields (rare): shown as text.
  const otherProblems =
    serverError instanceof ApiError ? serverError.errors.filter((e) => !FIELD_KEYS.includes(e.path.split('.')[0] as Key)) : [];
  const field = (key: Key) => ({ name: key, value: values[key], onChange: set(key), error: messageFor(key) });

  return (
    <form ref={formRef} className="product-form" onSubmit={submit} noValidate>
      <div className="form-grid">
        {!product && <Field label={f.sku} {...field('sku')} required autoComplete="off" spellCheck={false} maxLength={50} hint={f.skuHint} />}
        <Field label={f.name} {...field('name')} required autoComplete="off" maxLength={200} />
        <Field label={f.category} {...field('category')} required autoComplete="off" list={listId} maxLength={60} hint={f.categoryHint} />
        <datalist id={listId}>
          {categories.map((c) => (
            <option key={c} value={c} />
          ))}
        </datalist>
        <SelectField label={f.unit} {...field('unit')} options={[...t.products.unitOptions]} />
        <Field label={f.barcode} {...field('barcode')} autoComplete="off" inputMode="numeric" spellCheck={false} maxLength={64} />
        <SelectField
          label={f.supplier}
          {...field('supplier_id')}
          options={[{ value: '', label: f.noSupplier }, ...suppliers.map((s) => ({ value: s.id, label: s.name }))]}
        />
        <Field label={f.costPrice} {...field('cost_price')} required inputMode="decimal" autoComplete="off" hint={f.decimalHint} />
        <Field label={f.salePrice} {...field('sale_price')} inputMode="decimal" autoComplete="off" hint={f.salePriceHint} />
        <SelectField label={f.vatRate} {...field('vat_rate')} options={[...t.products.vatOptions]} />
        <Field label={f.minStock} {...field('min_stock')} inputMode="decimal" autoComplete="off" />
        <Field label={f.maxStock} {...field('max_stock')} inputMode="decimal" autoComplete="off" />
      </div>
      {hasClientProblems || conflictKey ? (
        <p className="form-error" role="alert">
          {t.form.fixErrors}
        </p>
      ) : (
        <FormError error={serverError} />
      )}
      {otherProblems.length > 0 && (
        <ul className="form-error other-problems">
          {otherProblems.map((p) => (
            <li key={`${p.path}:${p.message}`}>{p.message}</li>
          ))}
        </ul>
      )}
      <div className="form-actions">
        <button type="button" onClick={onCancel}>
          {t.actions.cancel}
        </button>
        <button type="submit" className="primary" disabled={mutation.isPending}>
          {mutation.isPending ? t.actions.saving : t.actions.save}
        </button>
      </div>
    </form>
  );
}
