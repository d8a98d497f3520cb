// The runs of the request tester for one datasource, newest first, a page at a time. Each opens
// back into the request editor, or runs again; a long URL is cut in the middle, keeping its end.
import { useEffect, useState } from 'react';
import { api, errorMessage } from '../api';
import type { HistoryEntry } from '../bindings/HistoryEntry';
import { formatBytes, formatMillis, formatTimestamp, statusTone } from '../state/format';
import { useCommand } from '../useCommand';
import { SentRequestView } from './SentRequestView';

export const HISTORY_PAGE = 20;

/** How many characters of a URL's end always stay in view (the path's last part, the query). */
export const URL_TAIL = 28;

/** `text` cut in the middle when it does not fit: the start gives way (ellipsis), the end stays. */
export function MiddleCut({ text, className = '' }: { text: string; className?: string }) {
  const cut = Math.max(0, text.length - URL_TAIL);
  return (
    <span className={`middle-cut ${className}`} title={text} aria-label={text}>
      <span className="middle-cut-head" aria-hidden="true">
        {text.slice(0, cut)}
      </span>
      <span className="middle-cut-tail" aria-hidden="true">
        {text.slice(cut)}
      </span>
    </span>
  );
}

export interface HistoryProps {
  datasourceId: string;
  refreshKey: number;
  /** Opens the run's request in the editor. */
  onOpen: (entry: HistoryEntry) => void;
  /** Opens the run's request in the editor and sends it again. */
  onRun: (entry: HistoryEntry) => void;
}

export function History({ datasourceId, refreshKey, onOpen, onRun }: HistoryProps) {
  const [entries, setEntries] = useState<HistoryEntry[]>([]);
  const [hasMore, setHasMore] = useState(false);
  const [loaded, setLoaded] = useState(false);
  const load = useCommand(async (before: number | null) => {
    const page = await api.history(datasourceId, before, HISTORY_PAGE);
    setEntries((current) => (before === null ? page : [...current, ...page]));
    setHasMore(page.length === HISTORY_PAGE);
    setLoaded(true);
  });
  const { run: loadPage } = load;
  const loading = load.busy || !loaded;
  const error = load.error === null ? null : errorMessage(load.error);

  useEffect(() => {
    void loadPage(null);
  }, [loadPage, datasourceId, refreshKey]);

  return (
    <section className="history" aria-labelledby="history-title">
      <h3 id="history-title">History</h3>
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      {!loading && !error && entries.length === 0 && (
        <p className="muted">No runs yet — send a request and it appears here.</p>
      )}
      <ol className="history-list">
        {entries.map((entry) => (
          <li key={entry.id} data-testid="history-entry">
            <details>
              <summary>
                {entry.status === null ? (
                  <span className="status status-server-error">Failed</span>
                ) : (
                  <span className={`status status-${statusTone(entry.status)}`}>{entry.status}</span>
                )}
                <span className="mono history-method">{entry.method}</span>
                <MiddleCut className="mono history-url" text={entry.url} />
                <span className="muted history-meta">
                  {formatMillis(entry.totalMs)} · {formatBytes(entry.size)} · {formatTimestamp(entry.createdAt)}
                  {entry.queryName ? ` · ${entry.queryName}` : ''}
                </span>
              </summary>
              <div className="history-actions">
                <button type="button" data-testid="history-open" onClick={() => onOpen(entry)}>
                  Open in editor
                </button>
                <button type="button" data-testid="history-run" onClick={() => onRun(entry)}>
                  Run again
                </button>
              </div>
              {entry.error && <p className="error-text">{entry.error}</p>}
              <SentRequestView sent={entry.sent} />
            </details>
          </li>
        ))}
      </ol>
      {hasMore && (
        <button
          type="button"
          disabled={loading}
          onClick={() => void loadPage(entries[entries.length - 1]?.createdAt ?? null)}
        >
          {loading ? 'Loading…' : 'Load more'}
        </button>
      )}
    </section>
  );
}
