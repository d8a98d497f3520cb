// The saved requests of a datasource: open one, start a new one, rename, duplicate, delete.
import { useState } from 'react';
import type { SavedQuery } from '../bindings/SavedQuery';

export interface SavedQueriesProps {
  queries: SavedQuery[];
  currentName: string | null;
  busy: boolean;
  error: string | null;
  onOpen: (query: SavedQuery) => void;
  onNew: () => void;
  onRename: (query: SavedQuery, name: string) => Promise<boolean>;
  onDuplicate: (query: SavedQuery) => void;
  onDelete: (query: SavedQuery) => void;
}

export function SavedQueries({ queries, currentName, busy, error, onOpen, onNew, onRename, onDuplicate, onDelete }: SavedQueriesProps) {
  const [renaming, setRenaming] = useState<{ name: string; text: string } | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);

  async function commitRename(query: SavedQuery) {
    if (!renaming) return;
    const text = renaming.text.trim();
    if (text === '' || text === query.name) {
      setRenaming(null);
      return;
    }
    if (await onRename(query, text)) setRenaming(null);
  }

  return (
    <nav className="queries" aria-labelledby="queries-title">
      <div className="queries-header">
        <h3 id="queries-title">Saved requests</h3>
        <button type="button" className="link-button" data-testid="new-request" onClick={onNew}>
          + New
        </button>
      </div>
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      {queries.length === 0 && <p className="muted">None yet — write a request and press Save request.</p>}
      <ul>
        {queries.map((query) => (
          <li key={query.id} className="query" data-testid="query-item" aria-current={query.name === currentName ? 'true' : undefined}>
            {renaming?.name === query.name ? (
              <input
                aria-label={`New name for ${query.name}`}
                value={renaming.text}
                autoFocus
                onChange={(event) => setRenaming({ name: query.name, text: event.target.value })}
                onBlur={() => void commitRename(query)}
                onKeyDown={(event) => {
                  if (event.key === 'Enter') {
                    event.preventDefault();
                    void commitRename(query);
                  }
                  if (event.key === 'Escape') setRenaming(null);
                }}
              />
            ) : (
              <button type="button" className="query-open" onClick={() => onOpen(query)}>
                <span className="mono query-method">{query.method || 'GET'}</span>
                <span className="query-name">{query.name}</span>
              </button>
            )}
            {deleting === query.name ? (
              <span className="query-actions">
                <button type="button" className="danger" disabled={busy} onClick={() => { setDeleting(null); onDelete(query); }}>
                  Delete
                </button>
                <button type="button" onClick={() => setDeleting(null)}>
                  Keep
                </button>
              </span>
            ) : (
              <span className="query-actions">
                <button type="button" className="icon-button" disabled={busy} aria-label={`Rename ${query.name}`} title="Rename" onClick={() => setRenaming({ name: query.name, text: query.name })}>
                  ✎
                </button>
                <button type="button" className="icon-button" disabled={busy} aria-label={`Duplicate ${query.name}`} title="Duplicate" onClick={() => onDuplicate(query)}>
                  ⧉
                </button>
                <button type="button" className="icon-button" disabled={busy} aria-label={`Delete ${query.name}`} title="Delete" onClick={() => setDeleting(query.name)}>
                  ×
                </button>
              </span>
            )}
          </li>
        ))}
      </ul>
    </nav>
  );
}
