// Search box (debounced; Enter searches at once) and the list filters.
import { useEffect, useRef, useState } from 'react';
import { Field, SelectField } from '../../components/form.tsx';
import { t } from '../../i18n/index.ts';
import type { Supplier } from '../../api/types.ts';
import type { ProductFilters as Filters } from './queries.ts';

const DEBOUNCE_MS = 350;
const s = t.products.filters;

export function ProductFilters({
  filters,
  onChange,
  categories,
  suppliers,
}: {
  filters: Filters;
  onChange: (patch: Partial<Filters>) => void;
  categories: string[];
  suppliers: Supplier[];
}) {
  const [text, setText] = useState(filters.q);
  // The address bar can change the search too (back button, "Limpiar"): follow it.
  const [seenQ, setSeenQ] = useState(filters.q);
  if (filters.q !== seenQ) {
    setSeenQ(filters.q);
    if (filters.q.trim() !== text.trim()) setText(filters.q);
  }
  const latest = useRef({ filters, onChange });
  useEffect(() => {
    latest.current = { filters, onChange };
  });

  // Typing searches after a pause; the list query is keyed by the filters, so an older answer
  // never replaces a newer one.
  useEffect(() => {
    const timer = window.setTimeout(() => {
      if (text.trim() !== latest.current.filters.q.trim()) latest.current.onChange({ q: text });
    }, DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [text]);

  const active = filters.q || filters.category || filters.supplier_id || filters.below_min || filters.archived;

  return (
    <form
      className="card filters product-filters"
      role="search"
      aria-label={s.label}
      onSubmit={(e) => {
        e.preventDefault();
        onChange({ q: text });
      }}
    >
      <Field
        className="search-field"
        label={s.search}
        type="search"
        value={text}
        onChange={(e) => setText(e.target.value)}
        placeholder={s.searchPlaceholder}
        hint={s.searchHint}
        autoComplete="off"
        enterKeyHint="search"
      />
      <SelectField
        label={s.category}
        value={filters.category}
        onChange={(e) => onChange({ category: e.target.value })}
        options={[{ value: '', label: s.allCategories }, ...categories.map((c) => ({ value: c, label: c }))]}
      />
      <SelectField
        label={s.supplier}
        value={filters.supplier_id}
        onChange={(e) => onChange({ supplier_id: e.target.value })}
        options={[{ value: '', label: s.allSuppliers }, ...suppliers.map((sup) => ({ value: sup.id, label: sup.name }))]}
      />
      <div className="product-checks">
        <label className="product-check">
          <input type="checkbox" checked={filters.below_min} onChange={(e) => onChange({ below_min: e.target.checked })} />
          {s.belowMin}
        </label>
        <label className="product-check">
          <input type="checkbox" checked={filters.archived} onChange={(e) => onChange({ archived: e.target.checked })} />
          {s.archived}
        </label>
      </div>
      <div className="product-filter-buttons">
        <button type="submit">{t.actions.search}</button>
        <button
          type="button"
          disabled={!active}
          onClick={() => {
            setText('');
            onChange({ q: '', category: '', supplier_id: '', below_min: false, archived: false });
          }}
        >
          {s.clear}
        </button>
      </div>
    </form>
  );
}
