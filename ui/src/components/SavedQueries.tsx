// The saved requests of a datasource: open one, start a new one, rename, duplicate, delete. In a
// narrow window the list folds under a "Saved requests (N)" button above the request.
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

/** Two overlapping sheets, drawn inline: a glyph such as ⧉ is missing from many fonts. */
function DuplicateIcon() {
  return (
    <svg className="icon" width="14" height="14" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <rect x="5.5" y="5.5" width="8" height="8" rx="1.5" fill="none" stroke="currentColor" strokeWidth="1.4" />
      <path
        d="M3.5 10.5h-0.5a1 1 0 0 1-1-1v-6.5a1 1 0 0 1 1-1h6.5a1 1 0 0 1 1 1v0.5"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.4"
        strokeLinecap="round"
      />
    </svg>
  );
}

/** A pencil, drawn inline like the duplicate icon. */
function RenameIcon() {
  return (
    <svg className="icon" width="14" height="14" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <path
        d="M10.5 2.5l3 3-8 8h-3v-3z M9 4l3 3"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.4"
        strokeLinejoin="round"
      />
    </svg>
  );
}

export function SavedQueries({
  queries,
  currentName,
  busy,
  error,
  onOpen,
  onNew,
  onRename,
  onDuplicate,
  onDelete,
}: SavedQueriesProps) {
  const [renaming, setRenaming] = useState<{ name: string; text: string } | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  // Folded or not, in a narrow window only (styles.css); a wide one always shows the list.
  const [unfolded, setUnfolded] = useState(false);
  const current = queries.find((query) => query.name === currentName);

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
    <nav className="queries" aria-labelledby="queries-title" data-unfolded={unfolded}>
      <div className="queries-header">
        <h3 id="queries-title">Saved requests</h3>
        <button
          type="button"
          className="queries-fold"
          data-testid="queries-fold"
          aria-expanded={unfolded}
          aria-controls="queries-body"
          onClick={() => setUnfolded(!unfolded)}
        >
          <span aria-hidden="true">{unfolded ? '▾' : '▸'}</span> Saved requests ({queries.length})
          {current && !unfolded && <span className="muted queries-fold-current"> · {current.name}</span>}
        </button>
        <button type="button" className="link-button" data-testid="new-request" onClick={onNew}>
          + New
        </button>
      </div>
      <div className="queries-body" id="queries-body">
        {error && (
          <p className="error-text" role="alert">
            {error}
          </p>
        )}
        {queries.length === 0 && <p className="muted">None yet — write a request and press Save request.</p>}
        <ul>
          {queries.map((query) => (
            <li
              key={query.id}
              className="query"
              data-testid="query-item"
              aria-current={query.name === currentName ? 'true' : undefined}
            >
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
                  <button
                    type="button"
                    className="danger"
                    disabled={busy}
                    onClick={() => {
                      setDeleting(null);
                      onDelete(query);
                    }}
                  >
                    Delete
                  </button>
                  <button type="button" onClick={() => setDeleting(null)}>
                    Keep
                  </button>
                </span>
              ) : (
                <span className="query-actions">
                  <button
                    type="button"
                    className="icon-button"
                    disabled={busy}
                    aria-label={`Rename ${query.name}`}
                    title="Rename"
                    onClick={() => setRenaming({ name: query.name, text: query.name })}
                  >
                    <RenameIcon />
                  </button>
                  <button
                    type="button"
                    className="icon-button"
                    disabled={busy}
                    aria-label={`Duplicate ${query.name}`}
                    title="Duplicate"
                    onClick={() => onDuplicate(query)}
                  >
                    <DuplicateIcon />
                  </button>
                  <button
                    type="button"
                    className="icon-button"
                    disabled={busy}
                    aria-label={`Delete ${query.name}`}
                    title="Delete"
                    onClick={() => setDeleting(query.name)}
                  >
                    ×
                  </button>
                </span>
              )}
            </li>
          ))}
        </ul>
      </div>
    </nav>
  );
}
