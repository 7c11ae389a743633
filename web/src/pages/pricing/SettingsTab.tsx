// Parámetros: the monthly inflation rate and the markups shown as percentages ("4,5" for the
// API's "0.045"), the rounding step, and the markup per category as editable rows. The API's
// messages appear under the field they name; the form keeps what was typed on any error.
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import { Field, FormError, SelectField, fieldError } from '../../components/form.tsx';
import { QueryView } from '../../components/states.tsx';
import { t } from '../../i18n/index.ts';
import { annualOf, fractionToPercentInput, percentInputToFraction, plainPercent, pricingKeys, type PricingSettings, type Rounding } from './model.ts';

const s = t.pricing.settings;
const ROUNDINGS: Rounding[] = ['1', '10', '50', '100'];

export function SettingsTab() {
  const settings = useQuery({ queryKey: pricingKeys.settings, queryFn: () => api.get<PricingSettings>('/pricing/settings') });
  return (
    <QueryView query={settings} rows={6}>
      {(data) => <SettingsForm initial={data} />}
    </QueryView>
  );
}

interface Row {
  key: number;
  category: string;
  markup: string;
}

function SettingsForm({ initial }: { initial: PricingSettings }) {
  const queryClient = useQueryClient();
  const [rate, setRate] = useState(() => fractionToPercentInput(initial.monthly_inflation_rate));
  const [markup, setMarkup] = useState(() => fractionToPercentInput(initial.default_markup));
  const [rounding, setRounding] = useState<Rounding>(initial.rounding);
  const [rows, setRows] = useState<Row[]>(() =>
    Object.entries(initial.markup_by_category).map(([category, value], i) => ({ key: i, category, markup: fractionToPercentInput(value) })),
  );
  const [nextKey, setNextKey] = useState(rows.length);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);

  const save = useMutation({
    mutationFn: (body: PricingSettings) => api.put<PricingSettings>('/pricing/settings', body),
    onSuccess: (result) => {
      setSaved(true);
      queryClient.setQueryData(pricingKeys.settings, result);
      void queryClient.invalidateQueries({ queryKey: pricingKeys.preview });
      void queryClient.invalidateQueries({ queryKey: ['pricing', 'quote'] });
    },
  });

  const rateFraction = percentInputToFraction(rate, 4);
  const annual = rateFraction !== null ? plainPercent(annualOf(rateFraction)) : null;

  function submit(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    const found: Record<string, string> = {};
    const monthly = percentInputToFraction(rate, 4);
    const def = percentInputToFraction(markup, 2);
    if (monthly === null) found.monthly_inflation_rate = s.percentInvalid;
    if (def === null) found.default_markup = s.percentInvalid;
    const byCategory: Record<string, string> = {};
    rows.forEach((row) => {
      const name = row.category.trim().toLowerCase();
      const value = percentInputToFraction(row.markup, 2);
      if (!name) found[`row-${row.key}-category`] = s.categoryMissing;
      else if (name in byCategory) found[`row-${row.key}-category`] = s.categoryRepeated;
      if (value === null) found[`row-${row.key}-markup`] = s.percentInvalid;
      if (name && value !== null && !(name in byCategory)) byCategory[name] = value;
    });
    setErrors(found);
    if (Object.keys(found).length > 0 || monthly === null || def === null) return;
    save.mutate({ monthly_inflation_rate: monthly, default_markup: def, rounding, markup_by_category: byCategory });
  }

  const rowError = (row: Row, field: 'category' | 'markup') =>
    errors[`row-${row.key}-${field}`] ?? (field === 'markup' ? fieldError(save.error, `markup_by_category.${row.category.trim().toLowerCase()}`) : undefined);

  return (
    <form className="pricing-settings" onSubmit={submit} noValidate>
      <p className="section-intro">{s.intro}</p>
      <div className="form-grid">
        <Field
          label={s.inflation}
          value={rate}
          onChange={(e) => setRate(e.target.value)}
          inputMode="decimal"
          autoComplete="off"
          required
          hint={annual ? s.inflationHint(annual) : s.inflationHintEmpty}
          error={errors.monthly_inflation_rate ?? fieldError(save.error, 'monthly_inflation_rate')}
        />
        <Field
          label={s.defaultMarkup}
          value={markup}
          onChange={(e) => setMarkup(e.target.value)}
          inputMode="decimal"
          autoComplete="off"
          required
          hint={s.defaultMarkupHint}
          error={errors.default_markup ?? fieldError(save.error, 'default_markup')}
        />
        <SelectField
          label={s.rounding}
          value={rounding}
          onChange={(e) => setRounding(e.target.value as Rounding)}
          options={ROUNDINGS.map((r) => ({ value: r, label: s.roundingOptions[r] ?? r }))}
          error={fieldError(save.error, 'rounding')}
        />
      </div>

      <fieldset className="category-markups">
        <legend>{s.byCategory}</legend>
        <p className="muted small">{rows.length === 0 ? s.byCategoryEmpty : s.byCategoryIntro}</p>
        {rows.map((row, i) => (
          <div key={row.key} className="category-row">
            <Field
              label={s.categoryName}
              aria-label={s.categoryRowName(i + 1)}
              value={row.category}
              onChange={(e) => setRows((all) => all.map((r) => (r.key === row.key ? { ...r, category: e.target.value } : r)))}
              autoComplete="off"
              error={rowError(row, 'category')}
            />
            <Field
              label={s.categoryMarkup}
              aria-label={s.categoryRowMarkup(i + 1)}
              value={row.markup}
              onChange={(e) => setRows((all) => all.map((r) => (r.key === row.key ? { ...r, markup: e.target.value } : r)))}
              inputMode="decimal"
              autoComplete="off"
              error={rowError(row, 'markup')}
            />
            <button type="button" className="danger" onClick={() => setRows((all) => all.filter((r) => r.key !== row.key))} aria-label={s.removeRow(row.category)}>
              {s.remove}
            </button>
          </div>
        ))}
        <button
          type="button"
          onClick={() => {
            setRows((all) => [...all, { key: nextKey, category: '', markup: fractionToPercentInput(initial.default_markup) }]);
            setNextKey((k) => k + 1);
          }}
        >
          {s.add}
        </button>
      </fieldset>

      <FormError error={save.error} />
      <div className="form-actions">
        <p className="saved-note" aria-live="polite">
          {saved ? s.saved : ''}
        </p>
        <button type="submit" className="primary" disabled={save.isPending}>
          {save.isPending ? t.actions.saving : s.save}
        </button>
      </div>
    </form>
  );
}
