// The datasource list: search, New datasource, and one row per datasource with its
// authentication type and, for OAuth 2.0, the token badge.
import { useState } from 'react';
import type { DatasourceSummary } from '../bindings/DatasourceSummary';
import { AUTH_TYPE_LABELS } from '../state/format';
import { StatusBadge } from './StatusBadge';

export type ListState =
  | { status: 'loading' }
  | { status: 'loaded'; items: DatasourceSummary[] }
  | { status: 'failed'; message: string };

export interface SidebarProps {
  list: ListState;
  selectedId: string | null;
  creating: boolean;
  now: number;
  onSelect: (id: string) => void;
  onNew: () => void;
}

export function matchesSearch(item: DatasourceSummary, search: string): boolean {
  const needle = search.trim().toLowerCase();
  return needle === '' || item.name.toLowerCase().includes(needle) || item.url.toLowerCase().includes(needle);
}

export function Sidebar({ list, selectedId, creating, now, onSelect, onNew }: SidebarProps) {
  const [search, setSearch] = useState('');
  const items = list.status === 'loaded' ? list.items : [];
  const shown = items.filter((item) => matchesSearch(item, search));

  return (
    <aside className="sidebar">
      <h1 className="sidebar-title">Latchkey</h1>
      <button type="button" className="primary new-datasource" data-testid="new-datasource" aria-pressed={creating} onClick={onNew}>
        + New datasource
      </button>
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
      <nav aria-label="Datasources">
        {list.status === 'loading' && <p className="muted sidebar-note">Loading…</p>}
        {list.status === 'failed' && (
          <p className="error sidebar-note" role="alert">
            {list.message}
          </p>
        )}
        {list.status === 'loaded' && items.length === 0 && (
          <p className="muted sidebar-note">No datasources yet — create one with New datasource.</p>
        )}
        {items.length > 0 && shown.length === 0 && <p className="muted sidebar-note">No datasource matches “{search.trim()}”.</p>}
        <ul className="datasource-list">
          {shown.map((item) => (
            <li key={item.id}>
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
                  {item.authType === 'oauth2' && item.tokenStatus && (
                    <StatusBadge status={item.tokenStatus} expiresAt={item.tokenExpiresAt} now={now} />
                  )}
                </span>
              </button>
            </li>
          ))}
        </ul>
      </nav>
    </aside>
  );
}
