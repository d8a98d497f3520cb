// The request tester of one datasource: saved requests, the request (method, path, params,
// headers, body), Send (Ctrl+Enter) with Cancel, the response, Copy as cURL, and the history.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, errorMessage, isErrorPayload } from '../api';
import type { Datasource } from '../bindings/Datasource';
import type { FieldError } from '../bindings/FieldError';
import type { ResponseView as Response } from '../bindings/ResponseView';
import type { SavedQuery } from '../bindings/SavedQuery';
import { useShortcuts } from '../events';
import { AUTH_TYPE_LABELS } from '../state/format';
import {
  draftFromSpec,
  draftToSpec,
  emptyDraft,
  fullUrl,
  METHODS,
  sendBlocker,
  specFromQuery,
  uniqueName,
  type RequestDraft,
} from '../state/requestDraft';
import { remapFieldErrors } from '../state/rows';
import { BodyEditor } from './BodyEditor';
import { CurlCopy } from './CurlCopy';
import { errorLookup, FormContext } from './FieldErrorsContext';
import { History } from './History';
import { KeyValueRows } from './KeyValueRows';
import { ResponseView } from './ResponseView';
import { SavedQueries } from './SavedQueries';

export interface RequestTesterProps {
  datasourceId: string;
  /** Changes when the datasource was saved, so its URL, headers and parameters are re-read. */
  revision: number;
  active: boolean;
}

function newRequestId(): string {
  return typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`;
}

export function RequestTester({ datasourceId, revision, active }: RequestTesterProps) {
  const [datasource, setDatasource] = useState<Datasource | null>(null);
  const [queries, setQueries] = useState<SavedQuery[]>([]);
  const [queriesError, setQueriesError] = useState<string | null>(null);
  const [currentName, setCurrentName] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [draft, setDraft] = useState<RequestDraft>(emptyDraft);
  const [sending, setSending] = useState<string | null>(null);
  const [response, setResponse] = useState<Response | null>(null);
  const [sendError, setSendError] = useState<{ message: string; others: FieldError[] } | null>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldError[]>([]);
  const [queryBusy, setQueryBusy] = useState(false);
  const [historyKey, setHistoryKey] = useState(0);

  useEffect(() => {
    let current = true;
    api
      .getDatasource(datasourceId)
      .then((loaded) => current && setDatasource(loaded))
      .catch(() => current && setDatasource(null));
    return () => {
      current = false;
    };
  }, [datasourceId, revision]);

  const reloadQueries = useCallback(async () => {
    try {
      setQueries(await api.listQueries(datasourceId));
      setQueriesError(null);
    } catch (error) {
      setQueriesError(errorMessage(error));
    }
  }, [datasourceId]);

  useEffect(() => {
    void reloadQueries();
  }, [reloadQueries]);

  const update = (patch: Partial<RequestDraft>) => setDraft((current) => ({ ...current, ...patch }));
  const blocker = sendBlocker(draft);
  const url = datasource ? fullUrl(datasource.url, draft.path, datasource.queryParams, draft.queryParams) : null;

  async function send() {
    if (sending !== null || blocker !== null) return;
    const { spec, rowMaps } = draftToSpec(draft);
    const requestId = newRequestId();
    setSending(requestId);
    setSendError(null);
    setFieldErrors([]);
    try {
      setResponse(await api.sendRequest(datasourceId, spec, requestId, currentName));
    } catch (error) {
      setResponse(null);
      const fields = remapFieldErrors(isErrorPayload(error) ? error.fields : [], rowMaps);
      const shown = (field: string) => /^(headers|queryParams)\[|^body\.(text|path|parts\[|fields\[)/.test(field);
      setFieldErrors(fields.filter((e) => shown(e.field)));
      setSendError({ message: errorMessage(error), others: fields.filter((e) => !shown(e.field)) });
    } finally {
      setSending(null);
      setHistoryKey((key) => key + 1);
    }
  }

  async function saveQuery() {
    const wanted = name.trim();
    if (wanted === '') {
      setQueriesError('Give the request a name to save it.');
      return;
    }
    setQueryBusy(true);
    try {
      const previous = currentName !== null && currentName !== wanted ? currentName : null;
      const saved = await api.saveQuery(datasourceId, wanted, draftToSpec(draft).spec, previous);
      setCurrentName(saved.name);
      setName(saved.name);
      await reloadQueries();
    } catch (error) {
      setQueriesError(errorMessage(error));
    } finally {
      setQueryBusy(false);
    }
  }

  function open(query: SavedQuery) {
    setDraft(draftFromSpec(specFromQuery(query)));
    setCurrentName(query.name);
    setName(query.name);
    setFieldErrors([]);
    setSendError(null);
  }

  async function rename(query: SavedQuery, newName: string): Promise<boolean> {
    setQueryBusy(true);
    try {
      const saved = await api.saveQuery(datasourceId, newName, specFromQuery(query), query.name);
      if (currentName === query.name) {
        setCurrentName(saved.name);
        setName(saved.name);
      }
      await reloadQueries();
      return true;
    } catch (error) {
      setQueriesError(errorMessage(error));
      return false;
    } finally {
      setQueryBusy(false);
    }
  }

  async function duplicate(query: SavedQuery) {
    setQueryBusy(true);
    try {
      const copyName = uniqueName(`${query.name} copy`, queries.map((q) => q.name));
      const saved = await api.saveQuery(datasourceId, copyName, specFromQuery(query), null);
      await reloadQueries();
      open(saved);
    } catch (error) {
      setQueriesError(errorMessage(error));
    } finally {
      setQueryBusy(false);
    }
  }

  async function remove(query: SavedQuery) {
    setQueryBusy(true);
    try {
      await api.deleteQuery(datasourceId, query.name);
      if (currentName === query.name) setCurrentName(null);
      await reloadQueries();
    } catch (error) {
      setQueriesError(errorMessage(error));
    } finally {
      setQueryBusy(false);
    }
  }

  useShortcuts(active, { Enter: () => void send(), s: () => void saveQuery() });

  const context = useMemo(() => ({ errorsFor: errorLookup(fieldErrors), version: 0 }), [fieldErrors]);
  const authNote = datasource && datasource.auth.type !== 'none' ? `${AUTH_TYPE_LABELS[datasource.auth.type]} authentication is added when the request is sent.` : null;
  const renaming = currentName !== null && name.trim() !== '' && name.trim() !== currentName;

  return (
    <FormContext.Provider value={context}>
      <div className="tester">
        <SavedQueries
          queries={queries}
          currentName={currentName}
          busy={queryBusy}
          error={queriesError}
          onOpen={open}
          onNew={() => {
            setDraft(emptyDraft());
            setCurrentName(null);
            setName('');
          }}
          onRename={rename}
          onDuplicate={(query) => void duplicate(query)}
          onDelete={(query) => void remove(query)}
        />
        <div className="tester-main">
          <div className="request-name">
            <label htmlFor="rq-name">Request name</label>
            <input id="rq-name" value={name} placeholder="Untitled request" onChange={(event) => setName(event.target.value)} />
            <button type="button" data-testid="save-request" disabled={queryBusy} onClick={() => void saveQuery()}>
              {queryBusy ? 'Saving…' : renaming ? 'Rename and save' : 'Save request'}
            </button>
          </div>

          <form
            className="request-line"
            onSubmit={(event) => {
              event.preventDefault();
              void send();
            }}
          >
            <label htmlFor="rq-method" className="visually-hidden">
              Method
            </label>
            <select id="rq-method" data-testid="request-method" value={draft.method} onChange={(event) => update({ method: event.target.value })}>
              {METHODS.map((method) => (
                <option key={method} value={method}>
                  {method}
                </option>
              ))}
            </select>
            <label htmlFor="rq-path" className="visually-hidden">
              Path
            </label>
            <input id="rq-path" data-testid="request-path" className="mono" placeholder="/path?query=value" spellCheck={false} autoComplete="off" value={draft.path} onChange={(event) => update({ path: event.target.value })} />
            {sending === null ? (
              <button type="submit" className="primary" data-testid="send" disabled={blocker !== null} title={blocker ?? 'Send (Ctrl+Enter)'}>
                Send
              </button>
            ) : (
              <>
                <button type="button" className="primary" data-testid="send" disabled>
                  <span className="spinner" aria-hidden="true" />
                  Sending…
                </button>
                <button type="button" data-testid="cancel-request" onClick={() => void api.cancelRequest(sending).catch(() => undefined)}>
                  Cancel
                </button>
              </>
            )}
          </form>
          <p className="full-url mono" data-testid="full-url" aria-label="Full URL">
            {url ?? 'Set the datasource URL in Settings to see where this goes.'}
          </p>
          {blocker && draft.bodyMode !== 'json' && <p className="hint">{blocker}</p>}

          <KeyValueRows id="rq-params" legend="Query parameters" noun="parameter" path="queryParams" rows={draft.queryParams} onChange={(queryParams) => update({ queryParams })} inherited={datasource ? { rows: datasource.queryParams, from: 'the datasource' } : undefined} empty="No parameters of this request." />
          <KeyValueRows id="rq-headers" legend="Headers" noun="header" path="headers" rows={draft.headers} keyPlaceholder="Header name" onChange={(headers) => update({ headers })} inherited={datasource ? { rows: datasource.headers, from: 'the datasource' } : undefined} empty={authNote ?? 'No headers of this request.'} />
          {authNote && draft.headers.length > 0 && <p className="hint">{authNote}</p>}
          <BodyEditor draft={draft} onChange={update} />
          <CurlCopy datasourceId={datasourceId} request={() => draftToSpec(draft).spec} disabled={blocker !== null} />

          {sendError && (
            <div className="error" role="alert" data-testid="send-error">
              <p>{sendError.message}</p>
              {sendError.others.map((other) => (
                <p key={`${other.field}-${other.message}`} className="detail">
                  <code>{other.field}</code>: {other.message}
                </p>
              ))}
            </div>
          )}
          {response ? <ResponseView key={response.historyId} response={response} /> : !sendError && <p className="muted">Send the request to see the response here (Ctrl+Enter).</p>}
          <History datasourceId={datasourceId} refreshKey={historyKey} />
        </div>
      </div>
    </FormContext.Provider>
  );
}
