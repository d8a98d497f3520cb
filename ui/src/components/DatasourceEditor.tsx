// The datasource editor: the connection and authentication fields in Appsmith's order, Save
// (Ctrl+S), Save and Authorize / Save and Test, Disconnect, Delete. Field errors from the core
// go under their fields; what is not saved yet is marked.
import { useEffect, useMemo, useRef, useState } from 'react';
import { api, errorMessage, isErrorPayload } from '../api';
import type { Datasource } from '../bindings/Datasource';
import type { DatasourceSummary } from '../bindings/DatasourceSummary';
import type { DestinationCheck } from '../bindings/DestinationCheck';
import type { FieldError } from '../bindings/FieldError';
import type { Preset } from '../bindings/Preset';
import type { TokenState } from '../bindings/TokenState';
import { listenWhileMounted, useShortcuts } from '../events';
import type { AuthFlow, FlowAction } from '../state/authFlow';
import {
  applyDiscovery,
  applyPreset,
  emptyForm,
  formFromDatasource,
  formSnapshot,
  formToConfig,
  isFieldShown,
  needsInsecureHttp,
  type DatasourceForm,
} from '../state/datasourceForm';
import { remapFieldErrors } from '../state/rows';
import { AuthFields } from './AuthFields';
import { AuthFlowStatus } from './AuthFlowStatus';
import { CertificateField } from './CertificateField';
import { CheckboxField } from './CheckboxField';
import { DestinationNotice } from './DestinationNotice';
import { errorLookup, FormContext } from './FieldErrorsContext';
import { KeyValueRows } from './KeyValueRows';
import { PresetPicker } from './PresetPicker';
import { SecretInput } from './SecretInput';
import { StatusBadge } from './StatusBadge';
import { TextField } from './TextField';

export interface DatasourceEditorProps {
  /** `null` for a new datasource. */
  datasourceId: string | null;
  summary: DatasourceSummary | null;
  now: number;
  /** Whether the editor is the visible tab (keyboard shortcuts apply only then). */
  active: boolean;
  onSaved: (datasource: Datasource) => void;
  /** The token state may have changed: refresh the list. */
  onChanged: () => void;
  onDirtyChange: (dirty: boolean) => void;
  onDeleted: () => void;
}

type Load = { status: 'loading' } | { status: 'ready' } | { status: 'failed'; message: string };

interface FormProblem {
  message: string;
  /** Errors of fields that are not on screen, shown with the message. */
  others: FieldError[];
}

export function DatasourceEditor(props: DatasourceEditorProps) {
  const { summary, now, active, onSaved, onChanged, onDirtyChange, onDeleted } = props;
  const [id, setId] = useState(props.datasourceId);
  const [load, setLoad] = useState<Load>(props.datasourceId ? { status: 'loading' } : { status: 'ready' });
  const [form, setForm] = useState<DatasourceForm>(emptyForm);
  const [baseline, setBaseline] = useState(() => formSnapshot(emptyForm()));
  const [version, setVersion] = useState(0);
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<FormProblem | null>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldError[]>([]);
  const [preset, setPreset] = useState<Preset | null>(null);
  const [discovering, setDiscovering] = useState(false);
  const [discoverError, setDiscoverError] = useState<string | null>(null);
  const [flow, setFlow] = useState<AuthFlow>({ kind: 'idle' });
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [destinations, setDestinations] = useState<DestinationCheck | null>(null);
  const [tokensDropped, setTokensDropped] = useState<string | null>(null);
  const [deleting, setDeleting] = useState(false);
  const formRef = useRef(form);
  formRef.current = form;

  const snapshot = useMemo(() => formSnapshot(form), [form]);
  const dirty = load.status === 'ready' && snapshot !== baseline;
  const busy = saving || flow.kind === 'running' || deleting;

  function reset(datasource: Datasource) {
    const next = formFromDatasource(datasource);
    setForm(next);
    setBaseline(formSnapshot(next));
    setVersion((v) => v + 1);
  }

  function loadDatasource(datasourceId: string) {
    setLoad({ status: 'loading' });
    api
      .getDatasource(datasourceId)
      .then((datasource) => {
        reset(datasource);
        setLoad({ status: 'ready' });
      })
      .catch((error: unknown) => setLoad({ status: 'failed', message: errorMessage(error) }));
  }

  useEffect(() => {
    if (props.datasourceId) loadDatasource(props.datasourceId);
    // The App keys the editor by the datasource it opened: load once.
  }, []);

  useEffect(() => onDirtyChange(dirty), [dirty, onDirtyChange]);

  // Before saving: which saved secrets the changes would ask for again (the core decides).
  useEffect(() => {
    if (id === null || !dirty) {
      setDestinations(null);
      return;
    }
    const { config, errors } = formToConfig(formRef.current);
    if (errors.length > 0) return;
    let current = true;
    const timer = window.setTimeout(() => {
      api
        .checkDestinations(id, config)
        .then((check) => {
          if (current) setDestinations(check);
        })
        .catch(() => {
          // An incomplete form: the save will report it under its fields.
          if (current) setDestinations(null);
        });
    }, 250);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [id, dirty, snapshot]);

  useEffect(
    () =>
      listenWhileMounted(() =>
        api.onAuthorizationStarted((started) =>
          setFlow((current) => (current.kind === 'running' && current.action === 'authorize' ? { ...current, started } : current)),
        ),
      ),
    [],
  );

  const update = (patch: Partial<DatasourceForm>) => setForm((current) => ({ ...current, ...patch }));

  /** Saves the form; the saved datasource, or `null` with the problems shown. */
  async function save(): Promise<Datasource | null> {
    const sent = form;
    const { config, errors, rowMaps } = formToConfig(sent);
    if (errors.length > 0) {
      setFieldErrors(errors);
      setProblem({ message: 'Some fields need attention: see the messages under them.', others: [] });
      return null;
    }
    setSaving(true);
    setProblem(null);
    setFieldErrors([]);
    try {
      const { datasource, tokensDropped: dropped } = await api.saveDatasource(id, config);
      setTokensDropped(dropped);
      setDestinations(null);
      setId(datasource.id);
      if (formSnapshot(formRef.current) === formSnapshot(sent)) {
        reset(datasource);
      } else {
        // Typed on while saving: keep the new input, still marked unsaved.
        setBaseline(formSnapshot(formFromDatasource(datasource)));
      }
      onSaved(datasource);
      return datasource;
    } catch (error) {
      let fields: FieldError[] = [];
      if (isErrorPayload(error)) {
        fields = error.fields.length > 0 ? error.fields : error.field ? [{ field: error.field, message: error.message }] : [];
      }
      const mapped = remapFieldErrors(fields, rowMaps);
      setFieldErrors(mapped.filter((e) => isFieldShown(sent, e.field)));
      setProblem({ message: errorMessage(error), others: mapped.filter((e) => !isFieldShown(sent, e.field)) });
      return null;
    } finally {
      setSaving(false);
    }
  }

  async function runFlow(action: FlowAction, call: (datasourceId: string) => Promise<TokenState>) {
    if (busy) return;
    let datasourceId = id;
    if (action !== 'disconnect' && (dirty || datasourceId === null)) {
      const saved = await save();
      if (!saved) return;
      datasourceId = saved.id;
    }
    if (datasourceId === null) return;
    setFlow({ kind: 'running', action, started: null });
    try {
      const token = await call(datasourceId);
      setFlow({ kind: 'succeeded', action, token });
    } catch (error) {
      setFlow({ kind: 'failed', action, error });
    } finally {
      onChanged();
    }
  }

  useShortcuts(active, {
    s: () => {
      if (!busy) void save();
    },
  });

  async function discover() {
    const { config } = formToConfig(form);
    if (config.auth.type !== 'oauth2') return;
    const { type: _type, ...auth } = config.auth;
    setDiscovering(true);
    setDiscoverError(null);
    try {
      const discovered = await api.discover(auth);
      setForm((current) => applyDiscovery(current, discovered));
    } catch (error) {
      setDiscoverError(errorMessage(error));
    } finally {
      setDiscovering(false);
    }
  }

  async function remove() {
    if (id === null) return;
    setDeleting(true);
    try {
      await api.deleteDatasource(id);
      onDirtyChange(false);
      onDeleted();
    } catch (error) {
      setProblem({ message: errorMessage(error), others: [] });
      setDeleting(false);
      setConfirmDelete(false);
    }
  }

  const context = useMemo(() => ({ errorsFor: errorLookup(fieldErrors), version }), [fieldErrors, version]);

  if (load.status === 'loading') return <p className="muted" role="status">Loading the datasource…</p>;
  if (load.status === 'failed') {
    return (
      <div className="error" role="alert" data-testid="form-error">
        <p>{load.message}</p>
        {props.datasourceId && (
          <button type="button" onClick={() => loadDatasource(props.datasourceId as string)}>
            Try again
          </button>
        )}
      </div>
    );
  }

  const isOAuth = form.authType === 'oauth2';
  const grant = form.oauth2.grantType;
  const tokenStatus = summary?.authType === 'oauth2' ? summary.tokenStatus : null;
  const connected = tokenStatus !== null && tokenStatus !== 'not_authorized';
  const running = flow.kind === 'running' ? flow.action : null;

  return (
    <FormContext.Provider value={context}>
      <form
        className="editor"
        aria-labelledby="editor-title"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (!busy) void save();
        }}
      >
        <header className="editor-header">
          <h2 id="editor-title">{form.name.trim() || (id ? 'Untitled datasource' : 'New datasource')}</h2>
          {tokenStatus && <StatusBadge status={tokenStatus} expiresAt={summary?.tokenExpiresAt ?? null} now={now} />}
          {dirty && (
            <span className="unsaved" data-testid="unsaved">
              Unsaved changes
            </span>
          )}
        </header>

        {problem && (
          <div className="error" role="alert" data-testid="form-error">
            <p>{problem.message}</p>
            {problem.others.length > 0 && (
              <ul>
                {problem.others.map((other) => (
                  <li key={`${other.field}-${other.message}`}>
                    <code>{other.field}</code>: {other.message}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}

        {id === null && (
          <PresetPicker
            selected={preset}
            onPick={(picked) => {
              setPreset(picked);
              setDiscoverError(null);
              setForm((current) => applyPreset(current, picked));
            }}
            issuer={form.oauth2.issuer}
            onIssuerChange={(issuer) => update({ oauth2: { ...form.oauth2, issuer } })}
            onDiscover={() => void discover()}
            discovering={discovering}
            discoverError={discoverError}
          />
        )}

        <section className="section" aria-labelledby="connection-title">
          <h3 id="connection-title">Connection</h3>
          <TextField id="ds-name" label="Name" path="name" testId="field-name" placeholder="Dropbox" value={form.name} onChange={(name) => update({ name })} />
          <TextField id="ds-url" label="URL" path="url" testId="field-url" type="url" placeholder="https://api.example.com/v1" hint="The base URL request paths are appended to." value={form.url} onChange={(url) => update({ url })} />
          {(needsInsecureHttp(form) || form.allowInsecureHttp) && (
            <CheckboxField
              id="ds-allowInsecureHttp"
              label="Allow insecure HTTP"
              path="allowInsecureHttp"
              testId="field-allowInsecureHttp"
              checked={form.allowInsecureHttp}
              onChange={(allowInsecureHttp) => update({ allowInsecureHttp })}
              hint={
                needsInsecureHttp(form) ? (
                  <span className="warning-text" data-testid="insecure-http-warning">
                    This URL is plain http: the datasource&apos;s credentials would travel unencrypted and could be read or changed on the way. Use https:// if the server has it; tick this only for a server on a network you trust.
                  </span>
                ) : (
                  'Not needed for this URL: you can untick it.'
                )
              }
            />
          )}
          <KeyValueRows id="ds-headers" legend="Headers" noun="header" path="headers" rows={form.headers} keyPlaceholder="Header name" onChange={(headers) => update({ headers })} empty="No headers: add the ones every request needs." />
          <KeyValueRows id="ds-queryParams" legend="Query parameters" noun="parameter" path="queryParams" rows={form.queryParams} keyPlaceholder="Parameter name" onChange={(queryParams) => update({ queryParams })} empty="No query parameters." />
          <div className="field-group">
            <CheckboxField id="ds-sendSignatureHeader" label="Send signature header" hint="Adds X-Latchkey-Signature, a JWT signed with the secret, so the server can check where requests come from." checked={form.sendSignatureHeader} onChange={(sendSignatureHeader) => update({ sendSignatureHeader })} />
            {form.sendSignatureHeader && (
              <SecretInput id="ds-signatureSecret" label="Signature secret" path="signatureSecret" testId="field-signatureSecret" value={form.signatureSecret} onChange={(signatureSecret) => update({ signatureSecret })} />
            )}
          </div>
          <CertificateField
            enabled={form.useCertificate}
            value={form.selfSignedCertificate}
            onChange={update}
            forAuth={
              isOAuth
                ? {
                    checked: form.oauth2.useSelfSignedCertForAuth,
                    onChange: (useSelfSignedCertForAuth) => update({ oauth2: { ...form.oauth2, useSelfSignedCertForAuth } }),
                  }
                : undefined
            }
          />
        </section>

        <AuthFields form={form} onChange={update} clientIdHint={preset && isOAuth ? preset.hint : undefined} />

        <div className="editor-bottom">
          <DestinationNotice check={destinations} dropped={tokensDropped} />
          <AuthFlowStatus flow={flow} now={now} onCancel={() => void api.cancelAuthorization().catch(() => undefined)} />
          <footer className="actions">
            <button type="submit" className="primary" data-testid="save" disabled={busy}>
              {saving && running === null ? 'Saving…' : 'Save'}
            </button>
            {isOAuth && grant === 'authorization_code' && (
              <button type="button" data-testid="save-and-authorize" disabled={busy} onClick={() => void runFlow('authorize', api.authorize)}>
                {running === 'authorize' ? 'Authorizing…' : 'Save and Authorize'}
              </button>
            )}
            {isOAuth && grant !== 'authorization_code' && (
              <button type="button" data-testid="save-and-test" disabled={busy} onClick={() => void runFlow('test', api.authorize)}>
                {running === 'test' ? 'Testing…' : 'Save and Test'}
              </button>
            )}
            {isOAuth && connected && (
              <button type="button" data-testid="disconnect" disabled={busy} onClick={() => void runFlow('disconnect', api.disconnect)}>
                {running === 'disconnect' ? 'Disconnecting…' : 'Disconnect'}
              </button>
            )}
            <span className="spacer" />
            {id !== null && !confirmDelete && (
              <button type="button" className="danger-link" disabled={busy} onClick={() => setConfirmDelete(true)}>
                Delete…
              </button>
            )}
            {id !== null && confirmDelete && (
              <span className="confirm-inline" role="group" aria-label="Confirm deletion">
                Delete this datasource with its saved requests and history?
                <button type="button" className="danger" disabled={deleting} onClick={() => void remove()}>
                  {deleting ? 'Deleting…' : 'Delete'}
                </button>
                <button type="button" onClick={() => setConfirmDelete(false)}>
                  Cancel
                </button>
              </span>
            )}
          </footer>
        </div>
      </form>
    </FormContext.Provider>
  );
}
