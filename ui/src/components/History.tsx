// The runs of the request tester for one datasource, newest first, a page at a time.
import { useCallback, useEffect, useState } from 'react';
import { api, errorMessage } from '../api';
import type { HistoryEntry } from '../bindings/HistoryEntry';
import { formatBytes, formatMillis, formatTimestamp, statusTone } from '../state/format';
import { SentRequestView } from './SentRequestView';

export const HISTORY_PAGE = 20;

export function History({ datasourceId, refreshKey }: { datasourceId: string; refreshKey: number }) {
  const [entries, setEntries] = useState<HistoryEntry[]>([]);
  const [hasMore, setHasMore] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);

  const loadPage = useCallback(
    async (before: number | null) => {
      setLoading(true);
      setError(null);
      try {
        const page = await api.history(datasourceId, before, HISTORY_PAGE);
        setEntries((current) => (before === null ? page : [...current, ...page]));
        setHasMore(page.length === HISTORY_PAGE);
      } catch (err) {
        setError(errorMessage(err));
      } finally {
        setLoading(false);
      }
    },
    [datasourceId],
  );

  useEffect(() => {
    void loadPage(null);
  }, [loadPage, refreshKey]);

  return (
    <section className="history" aria-labelledby="history-title">
      <h3 id="history-title">History</h3>
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      {!loading && !error && entries.length === 0 && <p className="muted">No runs yet — send a request and it appears here.</p>}
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
                <span className="mono history-url">{entry.url}</span>
                <span className="muted history-meta">
                  {formatMillis(entry.totalMs)} · {formatBytes(entry.size)} · {formatTimestamp(entry.createdAt)}
                  {entry.queryName ? ` · ${entry.queryName}` : ''}
                </span>
              </summary>
              {entry.error && <p className="error-text">{entry.error}</p>}
              <SentRequestView sent={entry.sent} />
            </details>
          </li>
        ))}
      </ol>
      {hasMore && (
        <button type="button" disabled={loading} onClick={() => void loadPage(entries[entries.length - 1]?.createdAt ?? null)}>
          {loading ? 'Loading…' : 'Load more'}
        </button>
      )}
    </section>
  );
}
