// The main window: a sidebar of datasources and a panel for the selected one.
// The datasource editor comes later; this shows what is stored and any error from the core.
import { useEffect, useState } from 'react';
import { invoke } from '@tauri-apps/api/core';
import type { AuthType } from './bindings/AuthType';
import type { DatasourceSummary } from './bindings/DatasourceSummary';
import type { ErrorPayload } from './bindings/ErrorPayload';

const AUTH_TYPE_LABELS: Record<AuthType, string> = {
  none: 'No auth',
  basic: 'Basic',
  apiKey: 'API key',
  bearer: 'Bearer token',
  oauth2: 'OAuth 2.0',
};

type Datasources =
  | { status: 'loading' }
  | { status: 'loaded'; items: DatasourceSummary[] }
  | { status: 'failed'; message: string };

function isErrorPayload(value: unknown): value is ErrorPayload {
  return (
    typeof value === 'object' &&
    value !== null &&
    'message' in value &&
    typeof (value as { message: unknown }).message === 'string'
  );
}

/** The text to show for a rejected `invoke`: the core's ErrorPayload, or what Tauri itself said. */
function errorMessage(error: unknown): string {
  if (isErrorPayload(error)) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

export function App() {
  const [datasources, setDatasources] = useState<Datasources>({ status: 'loading' });
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [notices, setNotices] = useState<string[]>([]);

  useEffect(() => {
    // A store that failed to open already shows its error in the panel; no notices then.
    invoke<string[]>('store_notices')
      .then(setNotices)
      .catch(() => setNotices([]));
  }, []);

  useEffect(() => {
    let current = true;
    invoke<DatasourceSummary[]>('list_datasources')
      .then((items) => {
        if (current) setDatasources({ status: 'loaded', items });
      })
      .catch((error: unknown) => {
        if (current) setDatasources({ status: 'failed', message: errorMessage(error) });
      });
    return () => {
      current = false;
    };
  }, []);

  const items = datasources.status === 'loaded' ? datasources.items : [];
  const selected = items.find((item) => item.id === selectedId) ?? null;

  return (
    <div className="layout">
      <aside className="sidebar">
        <h1 className="sidebar-title">Latchkey</h1>
        <nav aria-label="Datasources">
          <ul className="datasource-list">
            {items.map((item) => (
              <li key={item.id}>
                <button
                  type="button"
                  className="datasource"
                  aria-current={item.id === selectedId ? 'true' : undefined}
                  onClick={() => setSelectedId(item.id)}
                >
                  <span className="datasource-name">{item.name}</span>
                  <span className="datasource-auth">{AUTH_TYPE_LABELS[item.authType]}</span>
                </button>
              </li>
            ))}
          </ul>
        </nav>
      </aside>
      <main className="panel">
        {notices.map((notice) => (
          <div className="notice" role="status" key={notice}>
            <span>{notice}</span>
            <button
              type="button"
              aria-label="Dismiss notice"
              onClick={() => setNotices((all) => all.filter((n) => n !== notice))}
            >
              ×
            </button>
          </div>
        ))}
        {datasources.status === 'loading' && <p className="muted">Loading datasources…</p>}
        {datasources.status === 'failed' && (
          <p className="error" role="alert">
            {datasources.message}
          </p>
        )}
        {datasources.status === 'loaded' && items.length === 0 && (
          <p className="muted">
            No datasources yet. Import one with <code>latchkey datasource import FILE</code>
          </p>
        )}
        {datasources.status === 'loaded' && items.length > 0 && !selected && (
          <p className="muted">Select a datasource.</p>
        )}
        {selected && (
          <section>
            <h2>{selected.name}</h2>
            <dl className="details">
              <dt>URL</dt>
              <dd>
                <code>{selected.url}</code>
              </dd>
              <dt>Authentication</dt>
              <dd>{AUTH_TYPE_LABELS[selected.authType]}</dd>
            </dl>
          </section>
        )}
      </main>
    </div>
  );
}
