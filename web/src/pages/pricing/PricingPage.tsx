// Precios: inflation-aware pricing. Three tabs (kept in the address as ?tab=): the reprice
// preview and apply, the settings, and the history (one product's prices, the runs applied). The
// shelf labels of an applied reprice, or of an earlier run, open above the tabs; while they are
// open, printing prints only them.
import { useRef, useState } from 'react';
import { Page } from '../../components/Page.tsx';
import { Tabs } from '../../components/Tabs.tsx';
import { t } from '../../i18n/index.ts';
import { calendarDate } from '../../lib/format.ts';
import type { RepriceResult, ShelfLabel } from './model.ts';
import { ProductHistory } from './ProductHistory.tsx';
import { RepriceTab } from './RepriceTab.tsx';
import { RunsSection } from './RunsSection.tsx';
import { SettingsTab } from './SettingsTab.tsx';
import { ShelfLabels } from './ShelfLabels.tsx';
import './pricing.css';

type TabId = 'reprecio' | 'parametros' | 'historial';
const TABS: TabId[] = ['reprecio', 'parametros', 'historial'];
const LABELS: Record<TabId, string> = { reprecio: t.pricing.tabs.reprice, parametros: t.pricing.tabs.settings, historial: t.pricing.tabs.history };

function labelsOfResult(result: RepriceResult): ShelfLabel[] {
  return result.changes
    .map((c) => ({ key: c.product_id, name: c.name, sku: c.sku, barcode: c.barcode, unit: c.unit, price: c.new_price, vatRate: c.vat_rate, since: calendarDate(result.date) }))
    .sort((a, b) => a.name.localeCompare(b.name, 'es'));
}

export default function PricingPage() {
  const [labels, setLabels] = useState<ShelfLabel[] | null>(null);
  const labelsRef = useRef<HTMLDivElement>(null);

  function showLabels(next: ShelfLabel[]) {
    setLabels(next);
    // After render: bring the sheet into view and put the keyboard on its heading's buttons.
    requestAnimationFrame(() => {
      labelsRef.current?.scrollIntoView({ block: 'start' });
      labelsRef.current?.querySelector<HTMLButtonElement>('button')?.focus({ preventScroll: true });
    });
  }

  const panel = (id: TabId) => {
    switch (id) {
      case 'reprecio':
        return <RepriceTab onApplied={(result) => showLabels(labelsOfResult(result))} />;
      case 'parametros':
        return <SettingsTab />;
      case 'historial':
        return (
          <div className="pricing-history">
            <ProductHistory />
            <RunsSection onLabels={showLabels} />
          </div>
        );
    }
  };

  return (
    <div className={labels ? 'pricing-page printing-labels' : 'pricing-page'}>
      <Page title={t.pricing.title}>
        {labels && (
          <div ref={labelsRef}>
            <ShelfLabels labels={labels} onClose={() => setLabels(null)} />
          </div>
        )}
        <Tabs idPrefix="pricing" label={t.pricing.tabsLabel} tabs={TABS} labels={LABELS} panel={panel} panelClassName="pricing-panel" />
      </Page>
    </div>
  );
}
