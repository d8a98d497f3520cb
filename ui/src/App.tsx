// The main window: the environment switcher and the datasource list on the left; on the right
// the selected datasource's Settings (the editor) and Requests (the tester), the Import dialog
// (Import… or Ctrl+I), plus notices from
// the store and from background token refreshes. Leaving unsaved changes asks first. The active
// environment (kept across starts) decides the badges, the token state and where requests go;
// a production one puts a coloured bar across the top of the window.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, errorMessage } from './api';
import type { AppliedImport } from './bindings/AppliedImport';
import type { Datasource } from './bindings/Datasource';
import type { DatasourceSummary } from './bindings/DatasourceSummary';
import type { EnvironmentSummary } from './bindings/EnvironmentSummary';
import { ConfirmDialog } from './components/ConfirmDialog';
import { DatasourceEditor } from './components/DatasourceEditor';
import { EnvironmentSwitcher } from './components/EnvironmentSwitcher';
import { ImportView } from './components/ImportView';
import { VariablesEditor } from './components/VariablesEditor';
import { NoticeBanner, type Notice } from './components/NoticeBanner';
import { RequestTester } from './components/RequestTester';
import { SharedFolderBanner, SharedFolderButton, SharedFolderPanel } from './components/SharedFolder';
import { Sidebar, type ListState } from './components/Sidebar';
import { blockBrowserMenu } from './contextMenu';
import { listenWhileMounted, useShortcuts } from './events';
import { requestStartup, type Settled, type StartupCalls } from './startup';
import { activeEnvironmentId, pickEnvironment, setActiveEnvironmentId } from './state/environment';
import { useNow } from './useNow';
import { useSharedFolder } from './useSharedFolder';

type Tab = 'settings' | 'requests';

/** What the main pane shows: `key` changes each time a datasource is opened (or a new one started). */
interface Selection {
  id: string | null;
  key: number;
}

/** What the list shows for the start-up call's answer. */
function listState(answer: Settled<DatasourceSummary[]>): ListState {
  return answer.ok
    ? { status: 'loaded', items: answer.value }
    : { status: 'failed', message: errorMessage(answer.error) };
}

/** The store's notices as banners; a store that failed to open already shows its error in the list. */
function storeNotices(answer: Settled<string[]>): Notice[] {
  return answer.ok ? answer.value.map((text): Notice => ({ id: `store-${text}`, text, tone: 'info' })) : [];
}

/** `added` before `current`, without a second banner of the same id. */
function withNotices(current: Notice[], added: Notice[]): Notice[] {
  const ids = new Set(added.map((notice) => notice.id));
  return [...added, ...current.filter((notice) => !ids.has(notice.id))];
}

/** What the leave dialog says is unsaved: the datasource's settings, a saved request, or both. */
function unsavedMessage(settings: boolean, request: boolean): string {
  if (settings && request)
    return 'The datasource and the open saved request have changes that are not saved. Leave them and lose the changes?';
  if (request) return 'The open saved request has changes that are not saved. Leave it and lose them?';
  return 'The datasource has changes that are not saved. Leave it and lose them?';
}

export interface AppProps {
  /** The list and notices asked for before React started (main.tsx); without it, asked on mount. */
  startup?: StartupCalls;
  /** Whether the webview's context menu is kept outside text; by default only in dev builds. */
  browserMenu?: boolean;
}

export function App({ startup, browserMenu = !import.meta.env.PROD }: AppProps) {
  const now = useNow(30_000);
  // The start-up answers when they were in before the first render (usually), else null.
  const [answeredFirst] = useState(() => startup?.current() ?? null);
  const [list, setList] = useState<ListState>(() =>
    answeredFirst ? listState(answeredFirst.list) : { status: 'loading' },
  );
  const [selection, setSelection] = useState<Selection | null>(null);
  const [tab, setTab] = useState<Tab>('settings');
  const [dirty, setDirty] = useState(false);
  // Edits to a saved request in the tester, which a change of datasource would drop as well.
  const [testerDirty, setTesterDirty] = useState(false);
  const [pending, setPending] = useState<(() => void) | null>(null);
  const [notices, setNotices] = useState<Notice[]>(() => (answeredFirst ? storeNotices(answeredFirst.notices) : []));
  const nextKey = useRef(1);
  const [environments, setEnvironments] = useState<EnvironmentSummary[]>(() =>
    answeredFirst?.environments.ok ? answeredFirst.environments.value : [],
  );
  const [environmentsError, setEnvironmentsError] = useState<string | null>(null);
  const [activeId, setActiveId] = useState(activeEnvironmentId);
  const [editingVariables, setEditingVariables] = useState<string | null>(null);
  const activeEnvironment = environments.find((env) => env.id === activeId) ?? null;
  // The Import dialog, open with the text to start from.
  const [importing, setImporting] = useState<{ text: string } | null>(null);
  const sharedFolder = useSharedFolder();

  // The list's badges are those of the environment active when it was asked for.
  const refresh = useCallback(() => {
    const asked = activeEnvironmentId();
    api
      .listDatasources(asked)
      .then((items) => asked === activeEnvironmentId() && setList({ status: 'loaded', items }))
      .catch(
        (error: unknown) =>
          asked === activeEnvironmentId() && setList({ status: 'failed', message: errorMessage(error) }),
      );
  }, []);

  /** Makes `id` the active environment (kept for the next start) and lists the badges of it. */
  const activate = useCallback(
    (id: string) => {
      setActiveEnvironmentId(id);
      setActiveId(id);
      refresh();
    },
    [refresh],
  );

  /** Takes the environments read; the active one stays, or falls back to `default`, else the first. */
  const takeEnvironments = useCallback(
    (answer: Settled<EnvironmentSummary[]>) => {
      if (!answer.ok) {
        setEnvironmentsError(errorMessage(answer.error));
        return;
      }
      setEnvironments(answer.value);
      setEnvironmentsError(null);
      const picked = pickEnvironment(answer.value, activeEnvironmentId());
      if (picked && picked.id !== activeEnvironmentId()) activate(picked.id);
    },
    [activate],
  );

  /** Reads the environments again (after a change in the switcher or the variables editor). */
  const reloadEnvironments = useCallback(async () => {
    try {
      takeEnvironments({ ok: true, value: await api.listEnvironments() });
    } catch (error) {
      takeEnvironments({ ok: false, error });
    }
  }, [takeEnvironments]);

  // The environments came with the start-up calls (no call of their own, no second render when
  // the answers were in before the first one).
  useEffect(() => {
    if (answeredFirst) {
      takeEnvironments(answeredFirst.environments);
      return;
    }
    void (startup ?? requestStartup()).answered.then((answers) => {
      setList(listState(answers.list));
      takeEnvironments(answers.environments);
      setNotices((current) => withNotices(current, storeNotices(answers.notices)));
    });
  }, [answeredFirst, startup, takeEnvironments]);

  useEffect(() => (browserMenu ? undefined : blockBrowserMenu()), [browserMenu]);

  useEffect(
    () =>
      listenWhileMounted(() =>
        api.onTokenProblem((problem) => {
          const name = problem.environment ? `${problem.name} (${problem.environment})` : problem.name;
          const notice: Notice = {
            id: `token-${problem.datasourceId}-${problem.environmentId ?? ''}`,
            text: problem.needsAuthorization
              ? `${name} needs authorization again`
              : `${name}: refreshing the token failed`,
            detail: problem.message,
            tone: 'warn',
          };
          setNotices((current) => [...current.filter((n) => n.id !== notice.id), notice]);
          refresh();
        }),
      ),
    [refresh],
  );

  /** Runs `action` now, or after the person agrees to drop unsaved changes. */
  function leave(action: () => void) {
    if (dirty || testerDirty) setPending(() => action);
    else action();
  }

  function open(id: string | null) {
    setSelection({ id, key: nextKey.current++ });
    setTab('settings');
    setDirty(false);
    setTesterDirty(false);
  }

  const onSaved = useCallback(
    (datasource: Datasource) => {
      setSelection((current) => (current ? { ...current, id: datasource.id } : current));
      refresh();
    },
    [refresh],
  );

  const onDeleted = useCallback(() => {
    setSelection(null);
    setDirty(false);
    setTesterDirty(false);
    refresh();
  }, [refresh]);

  useShortcuts(importing === null && pending === null && editingVariables === null, {
    i: () => setImporting({ text: '' }),
  });

  /** After an import: the list read again, the first imported datasource opened, what happened said. */
  function imported(applied: AppliedImport) {
    setImporting(null);
    refresh();
    const setup = applied.datasources.filter((ds) => ds.needsSetup.length > 0);
    const queries = applied.datasources.reduce((sum, ds) => sum + ds.queries, 0);
    const notice: Notice = {
      id: 'import',
      text: `Imported ${applied.datasources.map((ds) => ds.name).join(', ') || 'the environments'}: ${queries} saved request${queries === 1 ? '' : 's'}${applied.environments.length > 0 ? `, ${applied.environments.length} environment${applied.environments.length === 1 ? '' : 's'}` : ''}.`,
      detail:
        setup.length > 0
          ? `Needs setup: ${setup.map((ds) => `${ds.name} (${ds.needsSetup.join(', ')})`).join('; ')}. Enter the secrets in Settings before sending.`
          : undefined,
      tone: setup.length > 0 ? 'warn' : 'info',
    };
    setNotices((current) => [notice, ...current.filter((n) => n.id !== notice.id)]);
    const first = applied.datasources[0];
    if (first) leave(() => open(first.id));
    void reloadEnvironments();
  }

  const items = list.status === 'loaded' ? list.items : [];
  const summary = selection?.id ? (items.find((item) => item.id === selection.id) ?? null) : null;

  const production = activeEnvironment?.production === true;

  return (
    <div className={`app${production ? ' in-production' : ''}`}>
      {production && activeEnvironment && (
        <div className="production-bar" role="status" data-testid="production-bar">
          <strong>{activeEnvironment.name}</strong> is a production environment: requests reach production, and anything
          but GET, HEAD or OPTIONS asks first.
        </div>
      )}
      <div className="layout">
        <Sidebar
          environment={
            <EnvironmentSwitcher
              environments={environments}
              active={activeEnvironment}
              error={environmentsError}
              onPick={(id) => {
                if (id !== activeId) activate(id);
              }}
              onCreate={async (name, production) => {
                const created = await api.createEnvironment(name, production);
                await reloadEnvironments();
                activate(created.id);
                setEditingVariables(created.id);
              }}
              onEditVariables={() => activeEnvironment && setEditingVariables(activeEnvironment.id)}
              onDelete={async (env) => {
                await api.deleteEnvironment(env.id);
                await reloadEnvironments();
                refresh();
              }}
            />
          }
          list={list}
          selectedId={selection?.id ?? null}
          creating={selection !== null && selection.id === null}
          now={now}
          onSelect={(id) => {
            if (id !== selection?.id) leave(() => open(id));
          }}
          onNew={() => leave(() => open(null))}
          onImport={() => setImporting({ text: '' })}
          footer={<SharedFolderButton info={sharedFolder.info} onOpen={() => sharedFolder.setPanelOpen(true)} />}
        />
        <main className="panel">
          <NoticeBanner
            notices={notices}
            onDismiss={(id) => setNotices((current) => current.filter((n) => n.id !== id))}
          />
          {!sharedFolder.panelOpen && (
            <SharedFolderBanner
              change={sharedFolder.change}
              onReview={() => sharedFolder.setPanelOpen(true)}
              onDismiss={sharedFolder.dismiss}
            />
          )}
          {selection === null && (
            <div className="empty-state">
              {list.status === 'loaded' && items.length === 0 ? (
                <>
                  <h2>No datasources yet</h2>
                  <p className="muted">
                    Create one with New datasource: give it a URL, choose how it authenticates, and try requests against
                    it. Or import a cURL command, a collection or an OpenAPI description with Import….
                  </p>
                  <div className="empty-actions">
                    <button type="button" className="primary" onClick={() => open(null)}>
                      New datasource
                    </button>
                    <button type="button" onClick={() => setImporting({ text: '' })}>
                      Import…
                    </button>
                  </div>
                </>
              ) : (
                list.status === 'loaded' && (
                  <p className="muted">Select a datasource in the list, or create one with New datasource.</p>
                )
              )}
            </div>
          )}
          {selection !== null && (
            <>
              <div className="tabs" role="tablist" aria-label="Datasource">
                <button
                  type="button"
                  role="tab"
                  id="tab-settings"
                  aria-selected={tab === 'settings'}
                  aria-controls="panel-settings"
                  data-testid="tab-settings"
                  onClick={() => setTab('settings')}
                >
                  Settings
                </button>
                <button
                  type="button"
                  role="tab"
                  id="tab-requests"
                  aria-selected={tab === 'requests'}
                  aria-controls="panel-requests"
                  data-testid="tab-requests"
                  disabled={selection.id === null}
                  title={selection.id === null ? 'Save the datasource first' : undefined}
                  onClick={() => setTab('requests')}
                >
                  Requests
                </button>
              </div>
              <div role="tabpanel" id="panel-settings" aria-labelledby="tab-settings" hidden={tab !== 'settings'}>
                <DatasourceEditor
                  key={selection.key}
                  environment={activeEnvironment}
                  datasourceId={selection.id}
                  summary={summary}
                  now={now}
                  active={tab === 'settings' && pending === null}
                  onSaved={onSaved}
                  onChanged={refresh}
                  onDirtyChange={setDirty}
                  onDeleted={onDeleted}
                />
              </div>
              {selection.id !== null && (
                <div role="tabpanel" id="panel-requests" aria-labelledby="tab-requests" hidden={tab !== 'requests'}>
                  <RequestTester
                    key={selection.key}
                    datasourceId={selection.id}
                    environment={activeEnvironment}
                    revision={summary?.updatedAt ?? 0}
                    active={tab === 'requests' && pending === null}
                    onDirtyChange={setTesterDirty}
                    onImportText={(text) => setImporting({ text })}
                  />
                </div>
              )}
            </>
          )}
        </main>
      </div>
      {editingVariables !== null && (
        <VariablesEditor
          environmentId={editingVariables}
          onSaved={() => {
            void reloadEnvironments();
            refresh();
          }}
          onClose={() => setEditingVariables(null)}
        />
      )}
      {importing !== null && (
        <ImportView initialText={importing.text} onImported={imported} onClose={() => setImporting(null)} />
      )}
      {sharedFolder.panelOpen && sharedFolder.info && (
        <SharedFolderPanel
          info={sharedFolder.info}
          onInfo={sharedFolder.setInfo}
          onImported={refresh}
          onClose={() => sharedFolder.setPanelOpen(false)}
        />
      )}
      {pending && (
        <ConfirmDialog
          title="Discard unsaved changes?"
          message={unsavedMessage(dirty, testerDirty)}
          confirmLabel="Discard changes"
          cancelLabel="Keep editing"
          onCancel={() => setPending(null)}
          onConfirm={() => {
            const action = pending;
            setPending(null);
            setDirty(false);
            setTesterDirty(false);
            action();
          }}
        />
      )}
    </div>
  );
}
