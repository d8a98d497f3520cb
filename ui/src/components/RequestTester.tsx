// The request tester of one datasource: saved requests, the request (method, path, params,
// headers, body), Send (Ctrl+Enter) with Cancel, the response, Copy as cURL, and the history
// (whose runs open again here). Edits to a saved request are marked, and discarding them asks.
// Requests go through the datasource as it is in the active environment: `{{` offers its
// variables, names it lacks are marked before Send, the URL preview resolves the plain ones, and
// in a production environment Send says so and anything but GET, HEAD or OPTIONS asks first.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, errorMessage, isErrorPayload } from '../api';
import type { Datasource } from '../bindings/Datasource';
import type { EnvironmentSummary } from '../bindings/EnvironmentSummary';
import type { ErrorCode } from '../bindings/ErrorCode';
import type { FieldError } from '../bindings/FieldError';
import type { HistoryEntry } from '../bindings/HistoryEntry';
import type { PastedRequest } from '../bindings/PastedRequest';
import type { RequestSpec } from '../bindings/RequestSpec';
import type { ResponseView as Response } from '../bindings/ResponseView';
import type { SavedQuery } from '../bindings/SavedQuery';
import type { Variable } from '../bindings/Variable';
import { useShortcuts } from '../events';
import { effectiveTarget, isSafeMethod, resolvePreview, showVariables, unknownNames } from '../state/environment';
import { fieldErrorsOf } from '../state/fieldErrors';
import { AUTH_TYPE_LABELS } from '../state/format';
import {
  draftFromSent,
  draftFromSpec,
  draftToSpec,
  emptyDraft,
  fullUrl,
  isCurlCommand,
  METHODS,
  movePathQuery,
  sameRequest,
  sendBlocker,
  specFromQuery,
  uniqueName,
  variableTexts,
  type RequestDraft,
} from '../state/requestDraft';
import { remapFieldErrors, type RowMaps } from '../state/rows';
import { useCommand } from '../useCommand';
import { BodyEditor } from './BodyEditor';
import { ConfirmDialog } from './ConfirmDialog';
import { CurlCopy } from './CurlCopy';
import { AuthorizeOffer } from './AuthorizeOffer';
import { errorLookup, FormContext } from './FieldErrorsContext';
import { History } from './History';
import { KeyValueRows } from './KeyValueRows';
import { ResponseView } from './ResponseView';
import { SavedQueries } from './SavedQueries';
import { VariableSuggestions } from './VariableSuggestions';

export interface RequestTesterProps {
  datasourceId: string;
  /** The active environment: where requests go, and whose variables and tokens they use. */
  environment?: EnvironmentSummary | null;
  /** Changes when the datasource was saved, so its URL, headers and parameters are re-read. */
  revision: number;
  active: boolean;
  /** Told whether a saved request has edits that are not saved (the app asks before leaving). */
  onDirtyChange?: (dirty: boolean) => void;
  /** Opens the Import dialog with `text` (a pasted curl command for another origin). */
  onImportText?: (text: string) => void;
}

/** What a curl command pasted into the path did: the core's answer, or why it was not read. */
type CurlPaste = { text: string; pasted: PastedRequest } | { text: string; error: unknown };

/** Why the last send failed, as the tester shows it; `code` lets the error offer what helps. */
export interface SendProblem {
  code: ErrorCode | null;
  message: string;
  /** Field errors with no field on screen to sit under, each shown once. */
  others: FieldError[];
}

/** Field paths the tester shows under their own input (rows, the body). */
function shownInline(field: string): boolean {
  return /^(headers|queryParams)\[|^body\.(text|path|parts\[|fields\[)/.test(field);
}

/**
 * The failed send's problem and the field errors to show inline. The core's message of an
 * invalid request is its field errors joined, so with fields the message is not repeated: each
 * field error appears once, under its input or in the list.
 */
export function sendProblem(error: unknown, rowMaps: RowMaps): { problem: SendProblem; inline: FieldError[] } {
  const fields = remapFieldErrors(fieldErrorsOf(error), rowMaps);
  const inline = fields.filter((e) => shownInline(e.field));
  const others = fields.filter((e) => !shownInline(e.field));
  const code = isErrorPayload(error) ? error.code : null;
  let message = errorMessage(error);
  if (fields.length > 0)
    message =
      inline.length > 0 ? 'The request was not sent: fix the fields marked below.' : 'The request was not sent:';
  return { problem: { code, message, others }, inline };
}

function newRequestId(): string {
  return typeof crypto.randomUUID === 'function'
    ? crypto.randomUUID()
    : `${Date.now()}-${Math.random().toString(16).slice(2)}`;
}

/** The saved request the draft started from, to tell edits apart. */
interface Opened {
  name: string;
  draft: RequestDraft;
}

export function RequestTester({
  datasourceId,
  environment = null,
  revision,
  active,
  onDirtyChange,
  onImportText,
}: RequestTesterProps) {
  const [datasource, setDatasource] = useState<Datasource | null>(null);
  const [queries, setQueries] = useState<SavedQuery[]>([]);
  const [opened, setOpened] = useState<Opened | null>(null);
  const [name, setName] = useState('');
  const [draft, setDraft] = useState<RequestDraft>(emptyDraft);
  const [sendingId, setSendingId] = useState<string | null>(null);
  const inFlight = useRef(false);
  const [response, setResponse] = useState<Response | null>(null);
  const [problem, setProblem] = useState<SendProblem | null>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldError[]>([]);
  const [historyKey, setHistoryKey] = useState(0);
  const [pending, setPending] = useState<(() => void) | null>(null);
  // Counts the requests loaded into the editor: a body editor per request (an empty JSON body of
  // a request just opened is not "typed" yet).
  const [loads, setLoads] = useState(0);
  const [variables, setVariables] = useState<Variable[]>([]);
  // A non-safe request in production, waiting for the person's yes.
  const [confirming, setConfirming] = useState<{ request: RequestDraft; queryName: string | null } | null>(null);
  const [curlPaste, setCurlPaste] = useState<CurlPaste | null>(null);
  const environmentId = environment?.id;
  // A response or error of another environment is not this one's: switching clears them.
  const [shownFor, setShownFor] = useState(environmentId);
  if (shownFor !== environmentId) {
    setShownFor(environmentId);
    setResponse(null);
    setProblem(null);
    setFieldErrors([]);
  }

  const sendCommand = useCommand((spec: RequestSpec, requestId: string, queryName: string | null) =>
    api.sendRequest(datasourceId, spec, requestId, queryName, environmentId),
  );
  const queryCommand = useCommand(async (step: () => Promise<void>) => step());
  const currentName = opened?.name ?? null;

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

  // The environment's variables (secret ones only marked as set), read again when it changes.
  useEffect(() => {
    if (!environment) {
      setVariables([]);
      return;
    }
    let current = true;
    api
      .getEnvironment(environment.id)
      .then((loaded) => current && setVariables(loaded.variables))
      .catch(() => current && setVariables([]));
    return () => {
      current = false;
    };
  }, [environment]);

  const reloadQueries = useCallback(async () => setQueries(await api.listQueries(datasourceId)), [datasourceId]);
  const { run: runQueryCommand } = queryCommand;

  useEffect(() => {
    void runQueryCommand(reloadQueries);
  }, [reloadQueries, runQueryCommand]);

  const dirty = opened !== null && (!sameRequest(draft, opened.draft) || name.trim() !== opened.name);
  useEffect(() => {
    onDirtyChange?.(dirty);
  }, [dirty, onDirtyChange]);

  const update = (patch: Partial<RequestDraft>) => setDraft((current) => ({ ...current, ...patch }));
  const blocker = sendBlocker(draft);
  const target = datasource ? effectiveTarget(datasource, environment?.name ?? null, variables) : null;
  const resolvedParams = draft.queryParams.map((row) => ({
    key: resolvePreview(row.key, variables),
    value: resolvePreview(row.value, variables),
  }));
  const url = target
    ? fullUrl(target.url, resolvePreview(draft.path, variables), target.queryParams, resolvedParams)
    : null;
  const unresolved = environment
    ? unknownNames(
        [
          ...variableTexts(draft),
          ...(target ? [target.url, ...[...target.headers, ...target.queryParams].map((row) => row.value)] : []),
        ],
        variables,
      )
    : [];
  const production = environment?.production === true;

  /** Runs `action` now, or once the person agrees to drop the edits of the saved request. */
  function guard(action: () => void) {
    if (dirty) setPending(() => action);
    else action();
  }

  /** Shows `next` in the editor as `from` (a saved request) or as a new request. */
  function load(next: RequestDraft, from: Opened | null) {
    setDraft(next);
    setLoads((count) => count + 1);
    setOpened(from);
    setName(from?.name ?? '');
    setFieldErrors([]);
    setProblem(null);
    setResponse(null);
  }

  /**
   * Sends `from` (the draft on screen unless given; a query in its path moved to the table),
   * recorded in the history under `queryName`.
   */
  async function send(from: RequestDraft = draft, queryName: string | null = currentName, confirmed = false) {
    if (inFlight.current) return;
    const request = movePathQuery(from);
    if (request !== draft) setDraft(request);
    if (sendBlocker(request) !== null) return;
    if (production && !confirmed && !isSafeMethod(request.method)) {
      setConfirming({ request, queryName });
      return;
    }
    const { spec, rowMaps } = draftToSpec(request);
    const requestId = newRequestId();
    inFlight.current = true;
    setSendingId(requestId);
    setProblem(null);
    setFieldErrors([]);
    const result = await sendCommand.run(spec, requestId, queryName);
    inFlight.current = false;
    setSendingId(null);
    if (result.ok) {
      setResponse(result.value);
    } else {
      setResponse(null);
      const { problem: shown, inline } = sendProblem(result.error, rowMaps);
      setFieldErrors(inline);
      setProblem(shown);
    }
    setHistoryKey((key) => key + 1);
  }

  /**
   * Fills the request from a curl command pasted into the path, read by the core: method, path
   * (relative to the datasource), query, headers and body; never the command's credentials.
   */
  async function fillFromCurl(text: string) {
    try {
      const pasted = await api.requestFromCurl(datasourceId, text, environmentId);
      setDraft(draftFromSpec(pasted.request));
      setLoads((count) => count + 1);
      setFieldErrors([]);
      setProblem(null);
      setResponse(null);
      setCurlPaste({ text, pasted });
    } catch (error) {
      setCurlPaste({ text, error });
    }
  }

  function saveQuery() {
    const wanted = name.trim();
    if (wanted === '') {
      queryCommand.setError(new Error('Give the request a name to save it.'));
      return;
    }
    const spec = draftToSpec(draft).spec;
    const saving = draft;
    void queryCommand.run(async () => {
      const previous = currentName !== null && currentName !== wanted ? currentName : null;
      const saved = await api.saveQuery(datasourceId, wanted, spec, previous);
      setOpened({ name: saved.name, draft: saving });
      setName(saved.name);
      await reloadQueries();
    });
  }

  function open(query: SavedQuery) {
    const next = draftFromSpec(specFromQuery(query));
    load(next, { name: query.name, draft: next });
  }

  /** The request of a history entry, as a new request (the saved one may have changed since). */
  function fromHistory(entry: HistoryEntry): RequestDraft {
    return draftFromSent(entry.sent, datasource?.url ?? '', datasource?.headers ?? [], datasource?.queryParams ?? []);
  }

  async function rename(query: SavedQuery, newName: string): Promise<boolean> {
    const result = await queryCommand.run(async () => {
      const saved = await api.saveQuery(datasourceId, newName, specFromQuery(query), query.name);
      if (currentName === query.name) {
        setOpened((current) => (current ? { ...current, name: saved.name } : current));
        setName(saved.name);
      }
      await reloadQueries();
    });
    return result.ok;
  }

  function duplicate(query: SavedQuery) {
    void queryCommand.run(async () => {
      const copyName = uniqueName(
        `${query.name} copy`,
        queries.map((q) => q.name),
      );
      const saved = await api.saveQuery(datasourceId, copyName, specFromQuery(query), null);
      await reloadQueries();
      guard(() => open(saved));
    });
  }

  function remove(query: SavedQuery) {
    void queryCommand.run(async () => {
      await api.deleteQuery(datasourceId, query.name);
      if (currentName === query.name) setOpened(null);
      await reloadQueries();
    });
  }

  useShortcuts(active && pending === null && confirming === null, { Enter: () => void send(), s: () => saveQuery() });

  const context = useMemo(() => ({ errorsFor: errorLookup(fieldErrors), version: 0 }), [fieldErrors]);
  const authNote =
    datasource && datasource.auth.type !== 'none'
      ? `${AUTH_TYPE_LABELS[datasource.auth.type]} authentication is added when the request is sent.`
      : null;
  const renaming = currentName !== null && name.trim() !== '' && name.trim() !== currentName;

  return (
    <FormContext.Provider value={context}>
      <div className="tester">
        <SavedQueries
          queries={queries}
          currentName={currentName}
          busy={queryCommand.busy}
          error={queryCommand.error === null ? null : errorMessage(queryCommand.error)}
          onOpen={(query) => {
            if (query.name !== currentName) guard(() => open(query));
          }}
          onNew={() => guard(() => load(emptyDraft(), null))}
          onRename={rename}
          onDuplicate={duplicate}
          onDelete={remove}
        />
        <div className="tester-main">
          <div className="request-name">
            <label htmlFor="rq-name">Request name</label>
            <input
              id="rq-name"
              data-testid="request-name"
              data-no-variables=""
              value={name}
              placeholder="Untitled request"
              onChange={(event) => setName(event.target.value)}
            />
            <button type="button" data-testid="save-request" disabled={queryCommand.busy} onClick={saveQuery}>
              {queryCommand.busy ? 'Saving…' : renaming ? 'Rename and save' : 'Save request'}
            </button>
            {dirty && (
              <span className="unsaved" data-testid="request-unsaved">
                Unsaved changes
              </span>
            )}
          </div>

          <VariableSuggestions variables={variables} environment={environment?.name ?? null}>
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
              <select
                id="rq-method"
                data-testid="request-method"
                value={draft.method}
                onChange={(event) => update({ method: event.target.value })}
              >
                {METHODS.map((method) => (
                  <option key={method} value={method}>
                    {method}
                  </option>
                ))}
              </select>
              <label htmlFor="rq-path" className="visually-hidden">
                Path
              </label>
              <input
                id="rq-path"
                data-testid="request-path"
                className="mono"
                placeholder="/path?query=value"
                spellCheck={false}
                autoComplete="off"
                value={draft.path}
                onPaste={(event) => {
                  // Read from the clipboard: an input would drop the line breaks of a multi-line command.
                  const text = event.clipboardData.getData('text');
                  if (!isCurlCommand(text)) return;
                  event.preventDefault();
                  void fillFromCurl(text);
                }}
                onChange={(event) => {
                  const path = event.target.value;
                  // A one-line command put in at once without a paste event (typing one is typing).
                  if (path.length - draft.path.length > 1 && isCurlCommand(path) && !isCurlCommand(draft.path)) {
                    void fillFromCurl(path);
                    return;
                  }
                  // Pasted with a query: the query goes to the table at once; typed, on leaving the field.
                  const pasted = path.length - draft.path.length > 1;
                  setDraft((current) => (pasted ? movePathQuery({ ...current, path }) : { ...current, path }));
                }}
                onBlur={() => setDraft(movePathQuery)}
              />
              {sendingId === null ? (
                <button
                  type="submit"
                  className={production ? 'primary production' : 'primary'}
                  data-testid="send"
                  disabled={blocker !== null}
                  title={blocker ?? `Send${production ? ` to ${environment?.name}` : ''} (Ctrl+Enter)`}
                >
                  {production ? `Send to ${environment?.name}` : 'Send'}
                </button>
              ) : (
                <>
                  <button type="button" className="primary" data-testid="send" disabled>
                    <span className="spinner" aria-hidden="true" />
                    Sending…
                  </button>
                  <button
                    type="button"
                    data-testid="cancel-request"
                    onClick={() => void api.cancelRequest(sendingId).catch(() => undefined)}
                  >
                    Cancel
                  </button>
                </>
              )}
            </form>
            {curlPaste && (
              <CurlPasteNotice
                paste={curlPaste}
                onImport={onImportText && (() => onImportText(curlPaste.text))}
                onDismiss={() => setCurlPaste(null)}
              />
            )}
            <p className="full-url mono" data-testid="full-url" aria-label="Full URL">
              {url ? showVariables(url) : 'Set the datasource URL in Settings to see where this goes.'}
            </p>
            {unresolved.length > 0 && (
              <p className="warning-text unresolved" role="status" data-testid="unresolved-variables">
                Not defined in {environment?.name}: {unresolved.map((name) => `{{${name}}}`).join(', ')}. Add{' '}
                {unresolved.length === 1 ? 'it' : 'them'} with Edit variables, or the request is not sent.
              </p>
            )}
            {blocker && draft.bodyMode !== 'json' && <p className="hint">{blocker}</p>}

            <KeyValueRows
              id="rq-params"
              legend="Query parameters"
              noun="parameter"
              path="queryParams"
              rows={draft.queryParams}
              onChange={(queryParams) => update({ queryParams })}
              inherited={datasource ? { rows: datasource.queryParams, from: 'the datasource' } : undefined}
              empty="No parameters of this request."
            />
            <KeyValueRows
              id="rq-headers"
              legend="Headers"
              noun="header"
              path="headers"
              rows={draft.headers}
              keyPlaceholder="Header name"
              onChange={(headers) => update({ headers })}
              inherited={datasource ? { rows: datasource.headers, from: 'the datasource' } : undefined}
              empty={authNote ?? 'No headers of this request.'}
            />
            {authNote && draft.headers.length > 0 && <p className="hint">{authNote}</p>}
            <BodyEditor key={loads} draft={draft} onChange={update} />
          </VariableSuggestions>
          <CurlCopy datasourceId={datasourceId} request={() => draftToSpec(draft).spec} disabled={blocker !== null} />

          {problem && (
            <div className="error" role="alert" data-testid="send-error" data-code={problem.code ?? undefined}>
              <p>{problem.message}</p>
              <AuthorizeOffer code={problem.code} datasourceId={datasourceId} />
              {problem.others.map((other) => (
                <p key={`${other.field}-${other.message}`} className="detail">
                  <code>{other.field}</code>: {other.message}
                </p>
              ))}
            </div>
          )}
          {response ? (
            <ResponseView key={response.historyId} response={response} />
          ) : (
            !problem && <p className="muted">Send the request to see the response here (Ctrl+Enter).</p>
          )}
          <History
            datasourceId={datasourceId}
            refreshKey={historyKey}
            onOpen={(entry) => guard(() => load(fromHistory(entry), null))}
            onRun={(entry) =>
              guard(() => {
                const again = fromHistory(entry);
                load(again, null);
                void send(again, null);
              })
            }
          />
        </div>
      </div>
      {confirming && (
        <ConfirmDialog
          title={`Send ${confirming.request.method} to ${environment?.name ?? 'production'}?`}
          message={`${environment?.name ?? 'This environment'} is a production environment: this ${confirming.request.method} request may change real data at ${url ? showVariables(url) : 'the datasource'}.`}
          confirmLabel={`Send to ${environment?.name ?? 'production'}`}
          cancelLabel="Don't send"
          onCancel={() => setConfirming(null)}
          onConfirm={() => {
            const { request, queryName } = confirming;
            setConfirming(null);
            void send(request, queryName, true);
          }}
        />
      )}
      {pending && (
        <ConfirmDialog
          title="Discard unsaved changes?"
          message={`The request “${currentName ?? ''}” has changes that are not saved. Leave it and lose them?`}
          confirmLabel="Discard changes"
          cancelLabel="Keep editing"
          onCancel={() => setPending(null)}
          onConfirm={() => {
            const action = pending;
            setPending(null);
            action();
          }}
        />
      )}
    </FormContext.Provider>
  );
}

/** What pasting a curl command did: what was left out and why, another origin, or why it was not read. */
function CurlPasteNotice({
  paste,
  onImport,
  onDismiss,
}: {
  paste: CurlPaste;
  onImport?: () => void;
  onDismiss: () => void;
}) {
  const importButton = onImport && (
    <button type="button" className="link-button" data-testid="curl-import" onClick={onImport}>
      Import it as a new datasource…
    </button>
  );
  return (
    <div
      className={`notice curl-paste${'error' in paste || paste.pasted.otherOrigin ? ' notice-warn' : ''}`}
      role="status"
      data-testid="curl-paste-notice"
    >
      <div>
        {'error' in paste ? (
          <p>The curl command was not read: {errorMessage(paste.error)}</p>
        ) : (
          <>
            <p>Filled in from the curl command.</p>
            {paste.pasted.otherOrigin && (
              <p data-testid="curl-other-origin">
                It goes to {paste.pasted.otherOrigin}, not this datasource&apos;s origin, so sending it here is refused.{' '}
                {importButton}
              </p>
            )}
            {paste.pasted.dropped.length > 0 && (
              <ul data-testid="curl-dropped">
                {paste.pasted.dropped.map((d, index) => (
                  <li key={`${d.what}-${index}`}>
                    Not copied: <strong>{d.what}</strong>: {d.reason}
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </div>
      <button type="button" aria-label="Dismiss" onClick={onDismiss}>
        ×
      </button>
    </div>
  );
}
