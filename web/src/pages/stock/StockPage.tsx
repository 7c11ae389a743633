// Stock: record movements (scan → quantity → Enter), levels per location, the movement history
// and the physical count. Tabs live in the address (?tab=) so a tab can be bookmarked; a tab once
// opened stays mounted (hidden), so switching to look something up keeps what was typed.
import { useRef, useState, type KeyboardEvent } from 'react';
import { useLocation, useSearch } from 'wouter';
import { useSignedIn } from '../../auth/session.tsx';
import { Page } from '../../components/Page.tsx';
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
  const [path, navigate] = useLocation();
  const tabs: TabId[] = can('stock:move') ? ['movimiento', 'niveles', 'historial', 'conteo'] : ['niveles', 'historial', 'conteo'];
  const requested = search.get('tab') as TabId | null;
  const tab: TabId = requested && tabs.includes(requested) ? requested : tabs[0]!;
  const productId = search.get('producto') ?? undefined;
  const initialType = search.get('tipo') === 'in' ? 'in' : undefined;
  const [visited, setVisited] = useState<TabId[]>([tab]);
  const buttons = useRef<Partial<Record<TabId, HTMLButtonElement | null>>>({});

  function open(next: TabId, focus = false) {
    setVisited((v) => (v.includes(next) ? v : [...v, next]));
    const params = new URLSearchParams(search);
    params.set('tab', next);
    navigate(`${path}?${params.toString()}`, { replace: true });
    if (focus) buttons.current[next]?.focus();
  }

  function onKeyDown(event: KeyboardEvent) {
    const i = tabs.indexOf(tab);
    const target =
      event.key === 'ArrowRight' ? tabs[(i + 1) % tabs.length] : event.key === 'ArrowLeft' ? tabs[(i - 1 + tabs.length) % tabs.length] : event.key === 'Home' ? tabs[0] : event.key === 'End' ? tabs[tabs.length - 1] : undefined;
    if (!target) return;
    event.preventDefault();
    open(target, true);
  }

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
      <div className="tabs no-print" role="tablist" aria-label={t.stock.tabsLabel} onKeyDown={onKeyDown}>
        {tabs.map((id) => (
          <button
            key={id}
            ref={(el) => {
              buttons.current[id] = el;
            }}
            type="button"
            role="tab"
            id={`stock-tab-${id}`}
            aria-selected={tab === id}
            aria-controls={`stock-panel-${id}`}
            tabIndex={tab === id ? 0 : -1}
            onClick={() => open(id)}
          >
            {LABELS[id]}
          </button>
        ))}
      </div>
      {tabs
        .filter((id) => id === tab || visited.includes(id))
        .map((id) => (
          <div key={id} role="tabpanel" id={`stock-panel-${id}`} aria-labelledby={`stock-tab-${id}`} hidden={id !== tab} className={`stock-panel panel-${id}`}>
            {panel(id)}
          </div>
        ))}
    </Page>
  );
}
