// Reprecio: the preview of every price the current settings would change (a dry run over the
// whole store), filtered by category, each change selectable; "Aplicar" asks for confirmation
// and an optional reason, then applies exactly the selected products. The server recomputes them
// when applying, so what is applied is what the data says at that moment; the result becomes the
// sheet of shelf labels.
import { useMemo, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, newIdempotencyKey } from '../../api/client.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { Field, FormError, SelectField, fieldError } from '../../components/form.tsx';
import { QueryView } from '../../components/states.tsx';
import { t } from '../../i18n/index.ts';
import { compareDecimal } from '../../lib/decimal.ts';
import { pricingKeys, type PriceChange, type RepriceResult } from './model.ts';
import { PreviewTable } from './PreviewTable.tsx';

const s = t.pricing.reprice;

/** A first price, or a higher one. */
const isIncrease = (c: PriceChange) => c.old_price === null || compareDecimal(c.new_price, c.old_price) > 0;

export function RepriceTab({ onApplied }: { onApplied: (result: RepriceResult) => void }) {
  const queryClient = useQueryClient();
  const preview = useQuery({
    queryKey: pricingKeys.preview,
    queryFn: () => api.post<RepriceResult>('/pricing/reprice', { dry_run: true }),
  });
  const [category, setCategory] = useState('');
  const [increasesOnly, setIncreasesOnly] = useState(false);
  const [deselected, setDeselected] = useState<Set<string>>(() => new Set());
  const [confirming, setConfirming] = useState(false);
  const [note, setNote] = useState('');
  const [idemKey, setIdemKey] = useState(newIdempotencyKey);
  const [notice, setNotice] = useState('');

  const categories = useMemo(() => [...new Set((preview.data?.changes ?? []).map((c) => c.category))].sort((a, b) => a.localeCompare(b, 'es')), [preview.data]);
  const visible = useMemo(
    () => (preview.data?.changes ?? []).filter((c) => (!category || c.category === category) && (!increasesOnly || isIncrease(c))),
    [preview.data, category, increasesOnly],
  );
  const chosen = visible.filter((c) => !deselected.has(c.product_id));

  const apply = useMutation({
    mutationFn: () =>
      api.post<RepriceResult>(
        '/pricing/reprice',
        { dry_run: false, product_ids: chosen.map((c) => c.product_id), ...(note.trim() ? { note: note.trim() } : {}) },
        { idempotencyKey: idemKey },
      ),
    onSuccess: (result) => {
      setConfirming(false);
      setNote('');
      setDeselected(new Set());
      setNotice(result.changes.length > 0 ? s.applied(result.changes.length) : s.appliedNone);
      for (const key of [pricingKeys.preview, pricingKeys.runs, ['pricing', 'history'], ['pricing', 'quote'], ['products'], ['reports']]) {
        void queryClient.invalidateQueries({ queryKey: key });
      }
      if (result.changes.length > 0) onApplied(result);
    },
  });

  function toggle(id: string) {
    setDeselected((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }

  function toggleAll(on: boolean) {
    setDeselected((prev) => {
      const next = new Set(prev);
      for (const c of visible) {
        if (on) next.delete(c.product_id);
        else next.add(c.product_id);
      }
      return next;
    });
  }

  function openConfirm() {
    apply.reset();
    setIdemKey(newIdempotencyKey());
    setNotice('');
    setConfirming(true);
  }

  return (
    <>
      <p className="section-intro">{s.intro}</p>
      <div className="filters">
        <SelectField
          label={s.category}
          value={category}
          onChange={(e) => setCategory(e.target.value)}
          options={[{ value: '', label: s.allCategories }, ...categories.map((c) => ({ value: c, label: c }))]}
        />
        <div className="checkbox-field increases-only">
          <input id="pricing-increases-only" type="checkbox" checked={increasesOnly} onChange={(e) => setIncreasesOnly(e.target.checked)} />
          <label htmlFor="pricing-increases-only">{s.increasesOnly}</label>
        </div>
        <div className="filter-buttons">
          <button type="button" onClick={() => void preview.refetch()} disabled={preview.isFetching}>
            {s.refresh}
          </button>
          <button type="button" className="primary" onClick={openConfirm} disabled={chosen.length === 0 || preview.isFetching}>
            {s.apply(chosen.length)}
          </button>
        </div>
      </div>
      <p className="pricing-summary" aria-live="polite">
        {notice ? <span className="notice ok">{notice}</span> : null}{' '}
        {preview.data ? `${s.summary(preview.data.changes.length, preview.data.unchanged, preview.data.skipped.length)} · ${s.selected(chosen.length, visible.length)}` : '\u00a0'}
      </p>
      <QueryView query={preview} isEmpty={() => visible.length === 0} empty={category || increasesOnly ? s.emptyFiltered : s.empty} rows={8}>
        {() => <PreviewTable changes={visible} selected={(id) => !deselected.has(id)} onToggle={toggle} onToggleAll={toggleAll} />}
      </QueryView>

      <Dialog title={s.confirmTitle} open={confirming} onClose={() => !apply.isPending && setConfirming(false)} dismissible={!apply.isPending}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (!apply.isPending) apply.mutate();
          }}
          noValidate
        >
          <p>{s.confirmBody(chosen.length)}</p>
          <Field label={s.note} hint={s.noteHint} value={note} onChange={(e) => setNote(e.target.value)} maxLength={200} autoComplete="off" error={fieldError(apply.error, 'note')} />
          <FormError error={apply.error} />
          <div className="form-actions">
            <button type="button" onClick={() => setConfirming(false)} disabled={apply.isPending}>
              {t.actions.cancel}
            </button>
            <button type="submit" className="primary" disabled={apply.isPending}>
              {apply.isPending ? s.applying : s.confirm}
            </button>
          </div>
        </form>
      </Dialog>
    </>
  );
}
