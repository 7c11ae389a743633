// Stock: record movements (scan → quantity → Enter), levels per location, the movement history
// and the physical count, as tabs (components/Tabs.tsx: in the address, kept mounted once opened).
import { useSearch } from 'wouter';
import { useSignedIn } from '../../auth/session.tsx';
import { Page } from '../../components/Page.tsx';
import { Tabs } from '../../components/Tabs.tsx';
import { t } from '../../i18n/index.ts';
import { CountTab } from './CountTab.tsx';
import { HistoryTab } from './HistoryTab.tsx';
import { LevelsTab } from './LevelsTab.tsx';
import { MovementForm } from './MovementForm.tsx';
import './stock.css';

type TabId = 'movimiento' | 'niveles' | 'historial' | 'conteo';

const LABELS: Record<TabId, string> = {
  movimiento: t.stock.tabs.move,
  niveles: t.stock.tabs.levels,
  historial: t.stock.tabs.history,
  conteo: t.stock.tabs.count,
};

export default function StockPage() {
  const { can } = useSignedIn();
  const search = new URLSearchParams(useSearch());
  const tabs: TabId[] = can('stock:move') ? ['movimiento', 'niveles', 'historial', 'conteo'] : ['niveles', 'historial', 'conteo'];
  const productId = search.get('producto') ?? undefined;
  const initialType = search.get('tipo') === 'in' ? 'in' : undefined;

  const panel = (id: TabId) => {
    switch (id) {
      case 'movimiento':
        return <MovementForm initialProductId={productId} initialType={initialType} />;
      case 'niveles':
        return <LevelsTab />;
      case 'historial':
        return <HistoryTab />;
      case 'conteo':
        return <CountTab />;
    }
  };

  return (
    <Page title={t.stock.title}>
      <Tabs idPrefix="stock" label={t.stock.tabsLabel} tabs={tabs} labels={LABELS} panel={panel} panelClassName="stock-panel" />
    </Page>
  );
}
