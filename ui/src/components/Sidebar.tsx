// The datasource list: the environment switcher on top, search, New datasource, Import…, and one row per
// datasource with its authentication type and, for OAuth 2.0, the token badge (of the active
// environment). A long list (thousands of
// datasources) renders only the rows in view, so scrolling and typing in search stay smooth.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { DatasourceSummary } from '../bindings/DatasourceSummary';
import { AUTH_TYPE_LABELS } from '../state/format';
import { StatusBadge } from './StatusBadge';

export type ListState =
  { status: 'loading' } | { status: 'loaded'; items: DatasourceSummary[] } | { status: 'failed'; message: string };

export interface SidebarProps {
  /** The environment switcher, shown above everything else. */
  environment?: ReactNode;
  list: ListState;
  selectedId: string | null;
  creating: boolean;
  now: number;
  onSelect: (id: string) => void;
  onNew: () => void;
  /** Opens the Import dialog (Ctrl+I). */
  onImport?: () => void;
  /** Shown under the list (the shared folder's entry). */
  footer?: ReactNode;
}

/** From this many rows on, only those in view are rendered, each `ROW_HEIGHT` pixels tall. */
export const VIRTUAL_FROM = 200;
export const ROW_HEIGHT = 60;
const OVERSCAN = 8;

/** The rows `[first, last)` to render for a scroll position, with some to spare either side. */
export function visibleRange(count: number, scrollTop: number, viewHeight: number): [number, number] {
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(count, Math.ceil((scrollTop + viewHeight) / ROW_HEIGHT) + OVERSCAN);
  return [first, Math.max(first, last)];
}

export function matchesSearch(item: DatasourceSummary, search: string): boolean {
  const needle = search.trim().toLowerCase();
  return needle === '' || item.name.toLowerCase().includes(needle) || item.url.toLowerCase().includes(needle);
}

export function Sidebar({
  environment,
  list,
  selectedId,
  creating,
  now,
  onSelect,
  onNew,
  onImport,
  footer,
}: SidebarProps) {
  const [search, setSearch] = useState('');
  const items = list.status === 'loaded' ? list.items : [];
  const shown = items.filter((item) => matchesSearch(item, search));

  return (
    <aside className="sidebar">
      <h1 className="sidebar-title">Latchkey</h1>
      {environment}
      <button
        type="button"
        className="primary new-datasource"
        data-testid="new-datasource"
        aria-pressed={creating}
        onClick={onNew}
      >
        + New datasource
      </button>
      {onImport && (
        <button
          type="button"
          className="import-open"
          data-testid="import-open"
          title="Import (Ctrl+I)"
          onClick={onImport}
        >
          Import…
        </button>
      )}
      <label htmlFor="datasource-search" className="visually-hidden">
        Search datasources
      </label>
      <input
        id="datasource-search"
        type="search"
        className="search"
        placeholder="Search datasources"
        value={search}
        onChange={(event) => setSearch(event.target.value)}
      />
      <nav aria-label="Datasources" className="datasource-nav">
        {list.status === 'loading' && <p className="muted sidebar-note">Loading…</p>}
        {list.status === 'failed' && (
          <p className="error sidebar-note" role="alert">
            {list.message}
          </p>
        )}
        {list.status === 'loaded' && items.length === 0 && (
          <p className="muted sidebar-note">No datasources yet — create one with New datasource.</p>
        )}
        {items.length > 0 && shown.length === 0 && (
          <p className="muted sidebar-note">No datasource matches “{search.trim()}”.</p>
        )}
        <DatasourceRows
          items={shown}
          render={(item) => (
            <button
              type="button"
              className="datasource"
              data-testid="datasource-item"
              data-id={item.id}
              aria-current={item.id === selectedId ? 'true' : undefined}
              onClick={() => onSelect(item.id)}
            >
              <span className="datasource-name">{item.name}</span>
              <span className="datasource-meta">
                <span className="datasource-auth">{AUTH_TYPE_LABELS[item.authType]}</span>
                {item.needsSetup && item.needsSetup.length > 0 && (
                  <span
                    className="badge badge-warn"
                    data-testid="needs-setup"
                    title={`Enter ${item.needsSetup.join(', ')} in the editor before sending`}
                  >
                    Needs setup
                  </span>
                )}
                {item.authType === 'oauth2' && item.tokenStatus && (
                  <StatusBadge
                    status={item.tokenStatus}
                    expiresAt={item.tokenExpiresAt}
                    now={now}
                    refreshFailing={item.tokenRefreshFailing}
                  />
                )}
              </span>
            </button>
          )}
        />
      </nav>
      {footer && <div className="sidebar-footer">{footer}</div>}
    </aside>
  );
}

/** The list itself: every row, or past `VIRTUAL_FROM` rows only those the list's viewport shows. */
function DatasourceRows({
  items,
  render,
}: {
  items: DatasourceSummary[];
  render: (item: DatasourceSummary) => ReactNode;
}) {
  const listRef = useRef<HTMLUListElement>(null);
  const [view, setView] = useState({ top: 0, height: 1000 });
  const virtual = items.length >= VIRTUAL_FROM;

  useEffect(() => {
    const scroller = listRef.current?.parentElement;
    if (!virtual || !scroller) return;
    const measure = () => setView({ top: scroller.scrollTop, height: scroller.clientHeight || 1000 });
    measure();
    scroller.addEventListener('scroll', measure, { passive: true });
    const resized = typeof ResizeObserver === 'function' ? new ResizeObserver(measure) : null;
    resized?.observe(scroller);
    return () => {
      scroller.removeEventListener('scroll', measure);
      resized?.disconnect();
    };
  }, [virtual]);

  if (!virtual) {
    return (
      <ul className="datasource-list" ref={listRef}>
        {items.map((item) => (
          <li key={item.id}>{render(item)}</li>
        ))}
      </ul>
    );
  }
  const [first, last] = visibleRange(items.length, view.top, view.height);
  return (
    <ul className="datasource-list virtual" ref={listRef} style={{ height: items.length * ROW_HEIGHT }}>
      {items.slice(first, last).map((item, index) => (
        <li key={item.id} style={{ top: (first + index) * ROW_HEIGHT, height: ROW_HEIGHT }}>
          {render(item)}
        </li>
      ))}
    </ul>
  );
}
