// Tabs kept in the address (?tab=), so a tab can be bookmarked and Back works; arrow keys,
// Home and End move between them (WAI-ARIA tabs pattern). A tab once opened stays mounted
// (hidden), so switching away to look something up keeps what was typed.
import { useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { useLocation, useSearch } from 'wouter';

interface TabsProps<T extends string> {
  /** Prefix for the tab and panel element ids (unique on the page). */
  idPrefix: string;
  /** Accessible name of the tab list. */
  label: string;
  tabs: readonly T[];
  labels: Record<T, string>;
  panel: (id: T) => ReactNode;
  panelClassName?: string;
}

export function Tabs<T extends string>({ idPrefix, label, tabs, labels, panel, panelClassName }: TabsProps<T>) {
  const search = new URLSearchParams(useSearch());
  const [path, navigate] = useLocation();
  const requested = search.get('tab') as T | null;
  const tab: T = requested && tabs.includes(requested) ? requested : tabs[0]!;
  const [visited, setVisited] = useState<T[]>([tab]);
  const buttons = useRef<Partial<Record<T, HTMLButtonElement | null>>>({});

  function open(next: T, focus = false) {
    setVisited((v) => (v.includes(next) ? v : [...v, next]));
    const params = new URLSearchParams(search);
    params.set('tab', next);
    navigate(`${path}?${params.toString()}`, { replace: true });
    if (focus) buttons.current[next]?.focus();
  }

  function onKeyDown(event: KeyboardEvent) {
    const i = tabs.indexOf(tab);
    const keys: Record<string, T | undefined> = {
      ArrowRight: tabs[(i + 1) % tabs.length],
      ArrowLeft: tabs[(i - 1 + tabs.length) % tabs.length],
      Home: tabs[0],
      End: tabs[tabs.length - 1],
    };
    const target = keys[event.key];
    if (!target) return;
    event.preventDefault();
    open(target, true);
  }

  return (
    <>
      <div className="tabs no-print" role="tablist" aria-label={label} onKeyDown={onKeyDown}>
        {tabs.map((id) => (
          <button
            key={id}
            ref={(el) => {
              buttons.current[id] = el;
            }}
            type="button"
            role="tab"
            id={`${idPrefix}-tab-${id}`}
            aria-selected={tab === id}
            aria-controls={`${idPrefix}-panel-${id}`}
            tabIndex={tab === id ? 0 : -1}
            onClick={() => open(id)}
          >
            {labels[id]}
          </button>
        ))}
      </div>
      {tabs
        .filter((id) => id === tab || visited.includes(id))
        .map((id) => (
          <div
            key={id}
            role="tabpanel"
            id={`${idPrefix}-panel-${id}`}
            aria-labelledby={`${idPrefix}-tab-${id}`}
            hidden={id !== tab}
            className={`${panelClassName ?? ''} panel-${id}`.trim()}
          >
            {panel(id)}
          </div>
        ))}
    </>
  );
}
