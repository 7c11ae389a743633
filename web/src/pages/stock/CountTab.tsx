// Conteo físico: a sheet of the active products of one location with the system's on hand and a
// "contado" input per line. It prints as a blank sheet (only the sheet); with stock:adjust the
// typed counts are recorded as one POST /stock/counts under one Idempotency-Key.
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { flushSync } from 'react-dom';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, fetchAll, newIdempotencyKey } from '../../api/client.ts';
import type { Movement, StockLevel } from '../../api/types.ts';
import { useSignedIn } from '../../auth/session.tsx';
import { TableScroll } from '../../components/Page.tsx';
import { Field, FormError, SelectField } from '../../components/form.tsx';
import { QueryView } from '../../components/states.tsx';
import { t } from '../../i18n/index.ts';
import { dateTime } from '../../lib/format.ts';
import { isWhole, parseDecimalInput, subtract } from '../../lib/decimal.ts';
import { postWithKey } from './movement.ts';
import { AFTER_WRITE, fold, locationName, mainLocation, productMatches, qtyWithUnit, signedQuantity, stockErrorMessage, stockKeys, useLocations, useProductIndex } from './reference.ts';

const s = t.stock.count;

interface CountResult {
  location_id: string;
  lines_counted: number;
  unchanged: number;
  movements: Movement[];
}

export function CountTab() {
  const { can } = useSignedIn();
  const mayAdjust = can('stock:adjust');
  const queryClient = useQueryClient();
  const locations = useLocations();
  const products = useProductIndex();
  const [chosenLocation, setChosenLocation] = useState('');
  const [search, setSearch] = useState('');
  const [counted, setCounted] = useState<Record<string, string>>({});
  const [reason, setReason] = useState<string>(s.reasonDefault);
  const [result, setResult] = useState<CountResult | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [printedAt, setPrintedAt] = useState<string | null>(null);
  const attempt = useRef<{ key: string; body: string } | null>(null);
  const inFlight = useRef(false);

  // The sheet says when it was printed, whether from the button or the browser's menu.
  useEffect(() => {
    const stamp = () => flushSync(() => setPrintedAt(new Date().toISOString()));
    window.addEventListener('beforeprint', stamp);
    return () => window.removeEventListener('beforeprint', stamp);
  }, []);

  const locationId = chosenLocation || mainLocation(locations.data)?.id || '';
  const levels = useQuery({
    queryKey: stockKeys.levels({ location_id: locationId }),
    queryFn: () => fetchAll<StockLevel>('/stock/levels', { location_id: locationId }),
    enabled: locationId !== '',
  });
  const mutation = useMutation({
    mutationFn: ({ body, key }: { body: unknown; key: string }) => postWithKey<CountResult>('/stock/counts', body, key),
  });

  const active = useMemo(
    () => (products.data?.list ?? []).filter((p) => !p.archived).sort((a, b) => fold(a.name).localeCompare(fold(b.name))),
    [products.data],
  );
  const system = useMemo(() => new Map((levels.data ?? []).map((l) => [l.product_id, l.on_hand])), [levels.data]);
  const rows = active.filter((p) => productMatches(p, search));

  // What each typed line means: a normalised count, or why it is not one.
  const lines = active.flatMap((p) => {
    const text = counted[p.id]?.trim();
    if (!text) return [];
    const value = parseDecimalInput(text, { maxDecimals: 3, signed: true });
    const error = value === null || value.startsWith('-') ? s.invalid : p.unit === 'unit' && !isWhole(value) ? s.whole : null;
    return [{ product: p, value, error }];
  });
  const lineById = new Map(lines.map((l) => [l.product.id, l]));
  const invalid = lines.some((l) => l.error);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (inFlight.current) return;
    if (lines.length === 0) return setFormError(s.nothing);
    if (invalid) return setFormError(s.fixLines);
    setFormError(null);
    setResult(null);
    const body = {
      location_id: locationId,
      ...(reason.trim() ? { reason: reason.trim() } : {}),
      lines: lines.map((l) => ({ product_id: l.product.id, counted: l.value })),
    };
    const json = JSON.stringify(body);
    if (attempt.current?.body !== json) attempt.current = { key: newIdempotencyKey(), body: json };
    inFlight.current = true;
    mutation.mutate(
      { body, key: attempt.current.key },
      {
        onSuccess: (r) => {
          attempt.current = null;
          setResult(r);
          setCounted({});
          for (const key of AFTER_WRITE) void queryClient.invalidateQueries({ queryKey: key });
        },
        onSettled: () => {
          inFlight.current = false;
        },
      },
    );
  }

  const location = locationName(locations.data, locationId);
  const view = {
    data: rows,
    error: products.error ?? levels.error,
    isPending: products.isPending || levels.isPending,
    refetch: () => {
      void products.refetch();
      void levels.refetch();
    },
  };

  return (
    <section className="stack" aria-labelledby="count-title">
      <h2 id="count-title" className="no-print">
        {s.heading}
      </h2>
      <p className="no-print">{mayAdjust ? s.intro : s.readOnly}</p>
      <form onSubmit={submit} noValidate className="stack">
        <div className="filters no-print">
          <SelectField
            label={s.location}
            value={locationId}
            onChange={(e) => {
              setChosenLocation(e.target.value);
              setCounted({});
              setResult(null);
            }}
            options={(locations.data ?? []).map((l) => ({ value: l.id, label: t.stock.locationLabel(l.code, l.name) }))}
          />
          <Field label={s.search} type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
          {mayAdjust && <Field label={s.reason} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={200} />}
          <div className="filter-buttons">
            <button type="button" onClick={() => window.print()}>
              {s.print}
            </button>
          </div>
        </div>

        <div className="count-sheet">
          <header className="print-only sheet-header">
            <h2>{s.sheetTitle}</h2>
            <p>
              {s.sheetLocation(location)} · {s.sheetDate} · {s.sheetWho}
            </p>
            {printedAt && <p className="small">{s.sheetPrinted(dateTime(printedAt))}</p>}
          </header>
          <QueryView query={view} isEmpty={(r) => r.length === 0} empty={active.length ? s.noMatch : s.empty}>
            {(data) => (
              <TableScroll label={s.tableLabel}>
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{s.product}</th>
                      <th scope="col" className="num">
                        {s.system}
                      </th>
                      <th scope="col" className="count-col">
                        {s.counted}
                      </th>
                      {mayAdjust && (
                        <th scope="col" className="num no-print">
                          {s.difference}
                        </th>
                      )}
                    </tr>
                  </thead>
                  <tbody>
                    {data.map((p) => {
                      const line = lineById.get(p.id);
                      const onHand = system.get(p.id) ?? '0';
                      const diff = line && !line.error && line.value !== null ? subtract(line.value, onHand) : null;
                      return (
                        <tr key={p.id}>
                          <td className="wrap product-cell">
                            {p.name}
                            <span className="mono muted">{p.sku}</span>
                          </td>
                          <td className="num">{qtyWithUnit(onHand, p.unit)}</td>
                          <td className="count-col">
                            {mayAdjust && (
                              <input
                                className="count-input"
                                value={counted[p.id] ?? ''}
                                onChange={(e) => setCounted((c) => ({ ...c, [p.id]: e.target.value }))}
                                inputMode={p.unit === 'unit' ? 'numeric' : 'decimal'}
                                autoComplete="off"
                                aria-label={s.countedFor(p.name)}
                                aria-invalid={line?.error ? true : undefined}
                                aria-describedby={line?.error ? `count-error-${p.id}` : undefined}
                              />
                            )}
                          </td>
                          {mayAdjust && (
                            <td className={`num no-print ${line?.error ? 'field-error' : ''}`} id={`count-error-${p.id}`}>
                              {line?.error ?? (diff === null ? '' : `${diff === '0' ? '0' : signedQuantity(diff)} ${t.stock.unitsShort[p.unit] ?? ''}`.trim())}
                            </td>
                          )}
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </TableScroll>
            )}
          </QueryView>
        </div>

        {mayAdjust && (
          <div className="no-print stack">
            {formError && (
              <p className="form-error" role="alert">
                {formError}
              </p>
            )}
            {mutation.error !== null && !formError && (mutation.error instanceof ApiError && mutation.error.errors.length > 0 ? <FormError error={mutation.error} /> : <p className="form-error" role="alert">{stockErrorMessage(mutation.error)}</p>)}
            <div className="form-actions">
              <button type="submit" className="primary" disabled={mutation.isPending}>
                {mutation.isPending ? s.saving : s.submit(lines.length)}
              </button>
            </div>
          </div>
        )}
      </form>

      <div className="no-print" role="status" aria-live="polite">
        {result && <CountResultView result={result} products={products.data?.byId} location={location} />}
      </div>
    </section>
  );
}

function CountResultView({ result, products, location }: { result: CountResult; products: Map<string, { name: string; sku: string; unit: string }> | undefined; location: string }) {
  return (
    <div className="stack">
      <p className="notice ok">
        {s.done(result.lines_counted, result.unchanged, result.movements.length)} ({location})
      </p>
      {result.movements.length > 0 && (
        <TableScroll label={s.resultLabel}>
          <table>
            <caption>{s.resultLabel}</caption>
            <thead>
              <tr>
                <th scope="col">{s.product}</th>
                <th scope="col" className="num">
                  {s.before}
                </th>
                <th scope="col" className="num">
                  {s.adjustment}
                </th>
                <th scope="col" className="num">
                  {s.after}
                </th>
              </tr>
            </thead>
            <tbody>
              {result.movements.map((mv) => {
                const p = products?.get(mv.product_id);
                return (
                  <tr key={mv.id}>
                    <td className="wrap">{p ? `${p.sku} · ${p.name}` : mv.product_id.slice(0, 8)}</td>
                    <td className="num">{qtyWithUnit(mv.on_hand_before, p?.unit)}</td>
                    <td className={`num qty ${mv.quantity.startsWith('-') ? 'neg' : 'pos'}`}>{signedQuantity(mv.quantity)}</td>
                    <td className="num">{qtyWithUnit(mv.on_hand_after, p?.unit)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableScroll>
      )}
    </div>
  );
}
