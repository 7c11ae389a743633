// Movimiento: one quick form for receipts, sales, adjustments and transfers. Scan → quantity →
// Enter. Each submission is sent under one Idempotency-Key, reused when the same submission is
// retried, so a double click or a retry after a lost answer never records the movement twice.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, NetworkError, api, fetchAll, newIdempotencyKey } from '../../api/client.ts';
import type { MovementType, Product, StockLevel } from '../../api/types.ts';
import { useSignedIn } from '../../auth/session.tsx';
import { Field, FormError, SelectField, fieldError } from '../../components/form.tsx';
import { t } from '../../i18n/index.ts';
import { money } from '../../lib/format.ts';
import { buildMovementBody, checkQuantity, confirmation, sendMovement, type DraftErrors, type MovementResult } from './movement.ts';
import { ProductCard, ProductLookup } from './ProductLookup.tsx';
import { AFTER_WRITE, locationName, mainLocation, qtyWithUnit, stockErrorMessage, stockKeys, useLocations } from './reference.ts';

const m = t.stock.move;
const s = t.stock.lookup;

export function MovementForm({ initialProductId, initialType }: { initialProductId?: string | undefined; initialType?: MovementType | undefined }) {
  const { can } = useSignedIn();
  const queryClient = useQueryClient();
  const locations = useLocations();
  const barcodeRef = useRef<HTMLInputElement>(null);
  const quantityRef = useRef<HTMLInputElement>(null);

  const [productId, setProductId] = useState<string | null>(initialProductId ?? null);
  const [type, setType] = useState<MovementType>(initialType ?? 'out');
  const [qty, setQty] = useState('');
  const [qtyTouched, setQtyTouched] = useState(false);
  const [chosenLocation, setChosenLocation] = useState('');
  const [toLocationId, setToLocationId] = useState('');
  const [unitCost, setUnitCost] = useState('');
  const [reason, setReason] = useState('');
  const [reference, setReference] = useState('');
  const [clientErrors, setClientErrors] = useState<DraftErrors>({});
  const [done, setDone] = useState<string | null>(null);
  // The key of the submission being sent and the body it was sent with: the same body again
  // (a retry) keeps the key; a changed body is a new submission and gets a new key.
  const attempt = useRef<{ key: string; body: string } | null>(null);
  const inFlight = useRef(false);

  // The barcode field has focus first (after the page has focused its heading); the quantity
  // when the product came with the link (Crítico → Registrar ingreso).
  useEffect(() => {
    const id = window.setTimeout(() => (initialProductId ? quantityRef : barcodeRef).current?.focus(), 0);
    return () => window.clearTimeout(id);
  }, [initialProductId]);

  const product = useQuery({
    queryKey: ['products', 'one', productId],
    queryFn: () => api.get<Product>(`/products/${productId}`),
    enabled: productId !== null,
  });
  const levels = useQuery({
    queryKey: stockKeys.levels({ product_id: productId ?? undefined }),
    queryFn: () => fetchAll<StockLevel>('/stock/levels', { product_id: productId }),
    enabled: productId !== null,
  });

  const locationId = chosenLocation || mainLocation(locations.data)?.id || '';
  const otherLocations = (locations.data ?? []).filter((l) => l.id !== locationId);
  const current = product.data;
  const onHandAt = (id: string) => levels.data?.find((l) => l.location_id === id)?.on_hand ?? '0';

  const mutation = useMutation({
    mutationFn: ({ body, key }: { body: Record<string, string>; key: string }) => sendMovement(body, key),
  });

  // An answer about the previous values is stale once they change; a lost answer is not (it
  // tells the person to retry before changing anything).
  function edited() {
    if (mutation.error && !(mutation.error instanceof NetworkError)) mutation.reset();
  }

  function choose(p: Product) {
    edited();
    queryClient.setQueryData(['products', 'one', p.id], p);
    setProductId(p.id);
    setClientErrors((e) => ({ ...e, product: undefined }));
    quantityRef.current?.focus();
  }

  function changeType(next: MovementType) {
    edited();
    setType(next);
    if (next === 'transfer' && !toLocationId) setToLocationId(otherLocations[0]?.id ?? '');
  }

  function succeeded(result: MovementResult) {
    attempt.current = null;
    setDone(confirmation(result, current, locations.data));
    setQty('');
    setUnitCost('');
    setQtyTouched(false);
    for (const key of AFTER_WRITE) void queryClient.invalidateQueries({ queryKey: key });
    barcodeRef.current?.focus();
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (inFlight.current) return; // a second click while the first is on its way
    const draft = { product: current, type, quantity: qty, locationId, toLocationId, unitCost, reason, reference };
    const built = buildMovementBody(draft);
    setQtyTouched(true);
    setDone(null);
    if (built.errors) {
      setClientErrors(built.errors);
      if (built.errors.product) barcodeRef.current?.focus();
      else if (built.errors.quantity) quantityRef.current?.focus();
      return;
    }
    setClientErrors({});
    const json = JSON.stringify(built.body);
    if (attempt.current?.body !== json) attempt.current = { key: newIdempotencyKey(), body: json };
    inFlight.current = true;
    mutation.mutate(
      { body: built.body, key: attempt.current.key },
      {
        onSuccess: succeeded,
        onError: (err) => {
          // A definite refusal (409 stock.insufficient, 400 …) is stored by the server under this
          // key: trying again later (after a receipt, say) is a new submission with a new key.
          // Lost answers, 5xx and "still in progress" keep the key so a retry cannot double-record.
          if (err instanceof ApiError && err.status < 500 && err.code !== 'idempotency.in_progress') attempt.current = null;
        },
        onSettled: () => {
          inFlight.current = false;
        },
      },
    );
  }

  // Checked as typed once the field was left (or a submission was refused for it).
  const showQty = qty.trim() ? qtyTouched : clientErrors.quantity !== undefined;
  const liveQty = showQty ? checkQuantity(qty, type, current?.unit) : null;
  const qtyError = (liveQty && 'error' in liveQty ? liveQty.error : undefined) ?? fieldError(mutation.error, 'quantity');
  const error = mutation.error;
  const networkFailed = error instanceof NetworkError;
  const qtyHint = type === 'adjust' ? m.adjustHint : current && current.unit !== 'unit' ? m.decimalHint : undefined;
  const unitName = current ? (t.stock.units[current.unit] ?? current.unit) : t.stock.units.unit!;
  const types: MovementType[] = can('stock:adjust') ? ['in', 'out', 'adjust', 'transfer'] : ['in', 'out', 'transfer'];

  return (
    <>
      <div className="move-result" role="status" aria-live="polite">
        {done && <p className="notice ok">{done}</p>}
      </div>
      <div className="move-layout">
        <section className="card move-product" aria-labelledby="move-product-title">
          <h2 id="move-product-title">{s.title}</h2>
          <ProductLookup inputRef={barcodeRef} onSelect={choose} />
          <ProductCard
            product={current}
            location={locationId ? locationName(locations.data, locationId) : null}
            onHandThere={levels.data && locationId ? onHandAt(locationId) : null}
            message={clientErrors.product ?? (product.isError ? stockErrorMessage(product.error) : null)}
          />
        </section>

        <section className="card" aria-labelledby="move-form-title">
          <h2 id="move-form-title">{m.heading}</h2>
          <form onSubmit={submit} noValidate className="move-form">
            <fieldset className="type-picker">
              <legend>{m.type}</legend>
              {types.map((value) => (
                <label key={value} className={type === value ? 'selected' : undefined}>
                  <input type="radio" name="movement-type" value={value} checked={type === value} onChange={() => changeType(value)} />
                  {t.stock.types[value]}
                </label>
              ))}
            </fieldset>

            <div className="form-grid">
              <div className="field">
                <label htmlFor="move-quantity">
                  {type === 'adjust' ? m.adjustQuantity(unitName) : m.quantityIn(unitName)}
                  <span className="required" aria-hidden="true">
                    {' *'}
                  </span>
                </label>
                <input
                  id="move-quantity"
                  ref={quantityRef}
                  value={qty}
                  onChange={(e) => {
                    edited();
                    setQty(e.target.value);
                  }}
                  onBlur={() => setQtyTouched(true)}
                  inputMode={type === 'adjust' ? 'text' : current?.unit === 'unit' ? 'numeric' : 'decimal'}
                  autoComplete="off"
                  required
                  aria-invalid={qtyError ? true : undefined}
                  aria-describedby={[qtyHint ? 'move-quantity-hint' : '', qtyError ? 'move-quantity-error' : ''].join(' ').trim() || undefined}
                />
                {qtyHint && (
                  <small id="move-quantity-hint" className="hint">
                    {qtyHint}
                  </small>
                )}
                {qtyError && (
                  <small id="move-quantity-error" className="field-error">
                    {qtyError}
                  </small>
                )}
              </div>
              <SelectField
                label={type === 'transfer' ? m.fromLocation : m.location}
                value={locationId}
                onChange={(e) => {
                  edited();
                  setChosenLocation(e.target.value);
                }}
                options={(locations.data ?? []).map((l) => ({ value: l.id, label: t.stock.locationLabel(l.code, l.name) }))}
                error={fieldError(error, 'location_id')}
              />
              {type === 'transfer' && (
                <SelectField
                  label={m.toLocation}
                  value={toLocationId}
                  onChange={(e) => {
                    setClientErrors((c) => ({ ...c, to_location_id: undefined }));
                    setToLocationId(e.target.value);
                  }}
                  options={[{ value: '', label: '—' }, ...otherLocations.map((l) => ({ value: l.id, label: t.stock.locationLabel(l.code, l.name) }))]}
                  error={clientErrors.to_location_id ?? fieldError(error, 'to_location_id') ?? (otherLocations.length === 0 ? m.noOtherLocation : undefined)}
                />
              )}
              {type === 'in' && (
                <Field
                  label={m.unitCost}
                  value={unitCost}
                  onChange={(e) => {
                    setClientErrors((c) => ({ ...c, unit_cost: undefined }));
                    setUnitCost(e.target.value);
                  }}
                  inputMode="decimal"
                  autoComplete="off"
                  error={clientErrors.unit_cost ?? fieldError(error, 'unit_cost')}
                  hint={current ? m.unitCostHint(money(current.cost_price)) : undefined}
                />
              )}
              <Field label={m.reason} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={200} error={fieldError(error, 'reason')} />
              <Field
                label={m.reference}
                value={reference}
                onChange={(e) => setReference(e.target.value)}
                maxLength={200}
                hint={m.referenceHint}
                error={fieldError(error, 'reference')}
              />
            </div>

            {error !== null && <MovementError error={error} unit={current?.unit} location={locationName(locations.data, locationId)} />}

            <div className="form-actions">
              <button type="submit" className="primary move-submit" disabled={mutation.isPending}>
                {mutation.isPending ? m.saving : networkFailed ? m.retry : m.submit(t.stock.types[type] ?? type)}
              </button>
            </div>
          </form>
        </section>
      </div>
    </>
  );
}

function MovementError({ error, unit, location }: { error: unknown; unit: Product['unit'] | undefined; location: string }) {
  if (error instanceof ApiError && error.code === 'stock.insufficient') {
    const onHand = typeof error.body.on_hand === 'string' || typeof error.body.on_hand === 'number' ? String(error.body.on_hand) : '0';
    return (
      <p className="form-error" role="alert">
        {m.insufficient(qtyWithUnit(onHand, unit), location)}
      </p>
    );
  }
  if (error instanceof NetworkError) {
    return (
      <p className="form-error" role="alert">
        {m.network}
      </p>
    );
  }
  if (error instanceof ApiError && error.errors.length > 0) return <FormError error={error} />;
  return (
    <p className="form-error" role="alert">
      {stockErrorMessage(error)}
    </p>
  );
}
