// The product field of the movement form, and the card of the chosen product. A scanner types
// the code and presses Enter: the exact barcode is looked up first; when nothing has that
// barcode, the text is searched in names and SKUs, and several matches are offered as a list.
import { useState, type FormEvent, type RefObject } from 'react';
import { api, type Page as ApiPage } from '../../api/client.ts';
import type { Product } from '../../api/types.ts';
import { t } from '../../i18n/index.ts';
import { qtyWithUnit, stockErrorMessage } from './reference.ts';

const s = t.stock.lookup;

type Status = { kind: 'idle' } | { kind: 'searching' } | { kind: 'notFound'; text: string } | { kind: 'results'; items: Product[] } | { kind: 'error'; error: unknown };

export function ProductLookup({ inputRef, onSelect }: { inputRef: RefObject<HTMLInputElement | null>; onSelect: (product: Product) => void }) {
  const [text, setText] = useState('');
  const [status, setStatus] = useState<Status>({ kind: 'idle' });

  function choose(product: Product) {
    setText('');
    setStatus({ kind: 'idle' });
    onSelect(product);
  }

  async function lookup(event: FormEvent) {
    event.preventDefault();
    const value = text.trim();
    if (!value || status.kind === 'searching') return;
    setStatus({ kind: 'searching' });
    try {
      const exact = await api.get<ApiPage<Product>>('/products', { barcode: value, limit: 5 });
      let items = exact.items;
      if (items.length === 0) items = (await api.get<ApiPage<Product>>('/products', { q: value, limit: 20 })).items;
      if (items.length === 1) choose(items[0]!);
      else if (items.length === 0) setStatus({ kind: 'notFound', text: value });
      else setStatus({ kind: 'results', items });
    } catch (error) {
      setStatus({ kind: 'error', error });
    }
  }

  const searching = status.kind === 'searching';
  return (
    <form className="lookup" role="search" onSubmit={(e) => void lookup(e)} aria-label={s.title}>
      <div className="field lookup-field">
        <label htmlFor="stock-barcode">{s.label}</label>
        <div className="lookup-row">
          <input
            id="stock-barcode"
            ref={inputRef}
            value={text}
            onChange={(e) => setText(e.target.value)}
            autoComplete="off"
            autoCapitalize="off"
            spellCheck={false}
            enterKeyHint="search"
            aria-describedby="stock-barcode-hint stock-barcode-status"
          />
          <button type="submit" disabled={searching}>
            {searching ? s.searching : s.search}
          </button>
        </div>
        <small id="stock-barcode-hint" className="hint">
          {s.hint}
        </small>
      </div>
      <div id="stock-barcode-status" aria-live="polite" className="lookup-status">
        {status.kind === 'notFound' && <p className="field-error">{s.notFound(status.text)}</p>}
        {status.kind === 'error' && <p className="field-error">{stockErrorMessage(status.error)}</p>}
        {status.kind === 'results' && <p>{s.results(status.items.length)}</p>}
      </div>
      {status.kind === 'results' && (
        <ul className="lookup-results">
          {status.items.map((p) => (
            <li key={p.id}>
              <button type="button" onClick={() => choose(p)}>
                <span className="lookup-name">{p.name}</span>
                <span className="muted">
                  {p.sku} · {qtyWithUnit(p.on_hand, p.unit)}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </form>
  );
}

/** The chosen product: name, SKU, barcode, on hand in total and at the form's location. */
export function ProductCard({ product, location, onHandThere, message }: { product: Product | undefined; location: string | null; onHandThere: string | null; message: string | null }) {
  return (
    <div className="product-card" aria-live="polite">
      {product ? (
        <>
          <p className="product-name">{product.name}</p>
          <dl className="product-facts">
            <div>
              <dt>{s.sku}</dt>
              <dd className="mono">{product.sku}</dd>
            </div>
            {product.barcode && (
              <div>
                <dt>{s.barcode}</dt>
                <dd className="mono">{product.barcode}</dd>
              </div>
            )}
            <div>
              <dt>{s.onHandTotal}</dt>
              <dd className="big">{qtyWithUnit(product.on_hand, product.unit)}</dd>
            </div>
            {location && (
              <div>
                <dt>{s.onHandAt(location)}</dt>
                <dd className="big">{onHandThere === null ? '…' : qtyWithUnit(onHandThere, product.unit)}</dd>
              </div>
            )}
          </dl>
        </>
      ) : (
        <p className={message ? 'field-error' : 'muted'}>{message ?? s.none}</p>
      )}
    </div>
  );
}
