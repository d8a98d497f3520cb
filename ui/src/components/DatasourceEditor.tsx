// The datasource editor: the connection and authentication fields in Appsmith's order, Save
// (Ctrl+S), Save and Authorize / Save and Test, Disconnect, Delete. The fields show what the
// active environment uses, each marked when that environment overrides it (`OverrideMarker`).
// Field errors from the core go under their fields; what is not saved yet is marked. The form's
// state and Save are `useDatasourceForm`, the authorization flow `useAuthFlow`, the footer
// `EditorActions`.
import { useEffect, useMemo, useRef } from 'react';
import { api } from '../api';
import type { Datasource } from '../bindings/Datasource';
import type { DatasourceSummary } from '../bindings/DatasourceSummary';
import type { EnvironmentSummary } from '../bindings/EnvironmentSummary';
import type { FieldError } from '../bindings/FieldError';
import { useShortcuts } from '../events';
import { discoverySummary, needsInsecureHttp, splitEnvironmentPath } from '../state/datasourceForm';
import { fieldLabel } from '../state/fieldErrors';
import { AuthFields } from './AuthFields';
import { AuthFlowStatus } from './AuthFlowStatus';
import { CertificateField } from './CertificateField';
import { ClientCertificateFields } from './ClientCertificateFields';
import { CheckboxField } from './CheckboxField';
import { DestinationNotice } from './DestinationNotice';
import { EditorActions } from './EditorActions';
import { errorLookup, FormContext } from './FieldErrorsContext';
import { KeyValueRows } from './KeyValueRows';
import { OverrideContext } from './OverrideMarker';
import { PresetPicker } from './PresetPicker';
import { ProxyFields } from './ProxyFields';
import { SecretInput } from './SecretInput';
import { StatusBadge } from './StatusBadge';
import { TextField } from './TextField';
import { TokenPanel } from './TokenPanel';
import { useAuthFlow } from './useAuthFlow';
import { useDatasourceForm } from './useDatasourceForm';

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
  /** The active environment: the fields show what it uses, and which of them it overrides. */
  environment?: EnvironmentSummary | null;
  /**
   * Every environment of the vault: with only one there are no override controls. When not
   * given, a `default` environment is taken to be the only one.
   */
  environments?: EnvironmentSummary[];
}

/**
 * A line of the list over the form: "URL in staging: not an absolute URL…" for an error on
 * `environments.staging.url` (the core's own "in staging: " not said twice).
 */
export function errorLine({ field, message }: FieldError): string {
  const { environment, field: inside } = splitEnvironmentPath(field);
  if (environment === null) return `${fieldLabel(field)}: ${message}`;
  const label = inside === '' ? `Overrides for ${environment}` : `${fieldLabel(inside)} in ${environment}`;
  const prefix = `in ${environment}: `;
  return `${label}: ${message.startsWith(prefix) ? message.slice(prefix.length) : message}`;
}

/** The panel the editor scrolls in (the App's `.panel`), or the page. */
function scrollerOf(element: HTMLElement): HTMLElement {
  return (
    (element.closest('.panel') as HTMLElement | null) ??
    (document.scrollingElement as HTMLElement | null) ??
    document.body
  );
}

/**
 * Scrolls `target` out from under the sticky parts of the panel: the footer with the buttons at
 * the bottom and the Settings / Requests tabs at the top.
 */
export function keepClearOfStickyParts(target: HTMLElement, footer: HTMLElement | null) {
  if (!footer || footer.contains(target)) return;
  const scroller = scrollerOf(target);
  const tabs = scroller.querySelector(':scope > .tabs');
  const rect = target.getBoundingClientRect();
  const bottom = footer.getBoundingClientRect().top;
  const top = tabs ? tabs.getBoundingClientRect().bottom : scroller.getBoundingClientRect().top;
  const margin = 12;
  if (rect.bottom > bottom - margin) scroller.scrollTop += rect.bottom - bottom + margin;
  else if (rect.top < top + margin) scroller.scrollTop -= top + margin - rect.top;
}

export function DatasourceEditor(props: DatasourceEditorProps) {
  const { summary, now, active, onChanged } = props;
  const environmentName = props.environment?.name ?? null;
  const severalEnvironments = props.environments
    ? props.environments.length > 1
    : environmentName !== null && environmentName.toLowerCase() !== 'default';
  const editor = useDatasourceForm({ ...props, environmentName, severalEnvironments });
  const { id, load, form, update, dirty, saving, save, problem, fieldErrors, version, deleting } = editor;
  const auth = useAuthFlow({ id, dirty, blocked: saving || deleting, save, onChanged });
  const busy = saving || auth.running !== null || deleting;

  useShortcuts(active, {
    s: () => {
      if (!busy) void save();
    },
  });

  const formElement = useRef<HTMLFormElement>(null);
  const footer = useRef<HTMLDivElement>(null);
  // Focus that comes with a click is on something in view; scrolling then would move the
  // target away between press and release and lose the click (a checkbox left unticked).
  const pointing = useRef(false);
  useEffect(() => {
    const released = () => {
      pointing.current = false;
    };
    window.addEventListener('pointerup', released, true);
    window.addEventListener('pointercancel', released, true);
    return () => {
      window.removeEventListener('pointerup', released, true);
      window.removeEventListener('pointercancel', released, true);
    };
  }, []);

  // A rejected Save: focus the first field with an error (or the banner) and bring it into view.
  useEffect(() => {
    const root = formElement.current;
    if (editor.errorFocus === 0 || !root) return;
    const target =
      root.querySelector<HTMLElement>('[aria-invalid="true"]') ??
      root.querySelector<HTMLElement>('[data-testid="form-error"]');
    if (!target) return;
    target.focus({ preventScroll: true });
    target.scrollIntoView?.({ block: 'center' });
    keepClearOfStickyParts(target, footer.current);
  }, [editor.errorFocus]);

  // Discover endpoints filled something: bring the first filled field into view.
  useEffect(() => {
    const first = editor.discovered?.filled.find((filled) => document.getElementById(filled.inputId));
    if (first) document.getElementById(first.inputId)?.scrollIntoView?.({ block: 'center' });
  }, [editor.discovered]);

  const context = useMemo(() => ({ errorsFor: errorLookup(fieldErrors), version }), [fieldErrors, version]);

  if (load.status === 'loading')
    return (
      <p className="muted" role="status">
        Loading the datasource…
      </p>
    );
  if (load.status === 'failed') {
    return (
      <div className="error" role="alert" data-testid="form-error">
        <p>{load.message}</p>
        {props.datasourceId && (
          <button type="button" onClick={() => editor.loadDatasource(props.datasourceId as string)}>
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

  return (
    <FormContext.Provider value={context}>
      <OverrideContext.Provider value={editor.overrides}>
        <form
          ref={formElement}
          className="editor"
          onPointerDown={() => {
            pointing.current = true;
          }}
          onFocus={(event) => {
            if (!pointing.current) keepClearOfStickyParts(event.target, footer.current);
          }}
          aria-labelledby="editor-title"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            if (!busy) void save();
          }}
        >
          <header className="editor-header">
            <h2 id="editor-title">{form.name.trim() || (id ? 'Untitled datasource' : 'New datasource')}</h2>
            {tokenStatus && (
              <StatusBadge
                status={tokenStatus}
                expiresAt={summary?.tokenExpiresAt ?? null}
                now={now}
                refreshFailing={summary?.tokenRefreshFailing}
              />
            )}
            {dirty && (
              <span className="unsaved" data-testid="unsaved">
                Unsaved changes
              </span>
            )}
          </header>

          {summary?.needsSetup && summary.needsSetup.length > 0 && (
            <p className="notice notice-warn needs-setup-notice" role="status" data-testid="editor-needs-setup">
              Needs setup: enter {setupList(summary.needsSetup)} and save before sending through this datasource (the
              imported file did not carry {summary.needsSetup.length === 1 ? 'it' : 'them'}).
            </p>
          )}

          {problem && (
            <div className="error" role="alert" data-testid="form-error" tabIndex={-1}>
              <p>{problem.message}</p>
              {problem.others.length > 0 && (
                <ul>
                  {problem.others.map((other) => (
                    <li key={`${other.field}-${other.message}`}>{errorLine(other)}</li>
                  ))}
                </ul>
              )}
            </div>
          )}

          {id === null && (
            <PresetPicker
              selected={editor.preset}
              onPick={(picked) => void editor.pickPreset(picked)}
              issuer={form.oauth2.issuer}
              onIssuerChange={(issuer) => update({ oauth2: { ...form.oauth2, issuer } })}
              onDiscover={() => void editor.discover()}
              discovering={editor.discovering}
              discoverError={editor.discoverError}
              discovered={editor.discovered ? discoverySummary(editor.discovered) : null}
            />
          )}

          <section className="section" aria-labelledby="connection-title">
            <h3 id="connection-title">Connection</h3>
            <TextField
              id="ds-name"
              label="Name"
              path="name"
              testId="field-name"
              value={form.name}
              onChange={(name) => update({ name })}
            />
            <TextField
              id="ds-url"
              label="URL"
              path="url"
              testId="field-url"
              type="url"
              hint="The base URL request paths are appended to, e.g. https://api.example.com/v1."
              value={form.url}
              onChange={(url) => update({ url })}
            />
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
                      This URL is plain http: the datasource&apos;s credentials would travel unencrypted and could be
                      read or changed on the way. Use https:// if the server has it; tick this only for a server on a
                      network you trust.
                    </span>
                  ) : (
                    'Not needed for this URL: you can untick it.'
                  )
                }
              />
            )}
            <KeyValueRows
              id="ds-headers"
              legend="Headers"
              noun="header"
              path="headers"
              rows={form.headers}
              keyPlaceholder="Header name"
              onChange={(headers) => update({ headers })}
              empty="No headers: add the ones every request needs."
            />
            <KeyValueRows
              id="ds-queryParams"
              legend="Query parameters"
              noun="parameter"
              path="queryParams"
              rows={form.queryParams}
              keyPlaceholder="Parameter name"
              onChange={(queryParams) => update({ queryParams })}
              empty="No query parameters."
            />
            <div className="field-group">
              <CheckboxField
                id="ds-sendSignatureHeader"
                label="Send signature header"
                overridePath="sendSignatureHeader"
                hint="Adds X-Latchkey-Signature, a JWT signed with the secret, so the server can check where requests come from."
                checked={form.sendSignatureHeader}
                onChange={(sendSignatureHeader) => update({ sendSignatureHeader })}
              />
              {form.sendSignatureHeader && (
                <SecretInput
                  id="ds-signatureSecret"
                  label="Signature secret"
                  path="signatureSecret"
                  testId="field-signatureSecret"
                  value={form.signatureSecret}
                  onChange={(signatureSecret) => update({ signatureSecret })}
                />
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
                      onChange: (useSelfSignedCertForAuth) =>
                        update({ oauth2: { ...form.oauth2, useSelfSignedCertForAuth } }),
                    }
                  : undefined
              }
            />
            <ClientCertificateFields
              certificate={form.clientCertificate}
              certificateKey={form.clientCertificateKey}
              passphrase={form.clientCertificatePassphrase}
              onChange={update}
            />
          </section>

          <ProxyFields value={form.proxy} onChange={(proxy) => update({ proxy })} />

          <AuthFields
            form={form}
            onChange={update}
            clientIdHint={editor.preset && isOAuth ? editor.preset.hint : undefined}
            discoveredIds={editor.discovered?.filled
              .filter((filled) => form.oauth2[filled.field] === filled.value)
              .map((filled) => filled.inputId)}
            datasourceId={id}
            environmentId={props.environment?.id}
          />
          {isOAuth && id !== null && (
            <TokenPanel
              datasourceId={id}
              environmentId={props.environment?.id}
              grant={grant}
              busy={busy}
              revision={`${auth.flow.kind}:${tokenStatus}:${summary?.tokenExpiresAt}:${summary?.tokenRefreshFailing}:${props.environment?.id}`}
              onAuthorize={() => void auth.run('authorize', api.authorize)}
              onChanged={onChanged}
            />
          )}

          <div className="editor-bottom" ref={footer}>
            <DestinationNotice check={editor.destinations} dropped={editor.tokensDropped} />
            <AuthFlowStatus flow={auth.flow} now={now} onCancel={auth.cancel} onOpenDevicePage={auth.openDevicePage} />
            <EditorActions
              id={id}
              grant={isOAuth ? grant : null}
              connected={connected}
              busy={busy}
              saving={saving}
              deleting={deleting}
              running={auth.running}
              onAuthorize={() => void auth.run('authorize', api.authorize)}
              onTest={() => void auth.run('test', api.authorize)}
              onDisconnect={() => void auth.run('disconnect', api.disconnect)}
              onDelete={editor.remove}
            />
          </div>
        </form>
      </OverrideContext.Provider>
    </FormContext.Provider>
  );
}

/** What each secret field of "needs setup" is called on the form. */
const SETUP_LABELS: Record<string, string> = {
  'auth.token': 'the bearer token',
  'auth.value': 'the API key value',
  'auth.password': 'the password',
  'auth.clientId': 'the Client ID',
  'auth.clientSecret': 'the Client Secret',
  signatureSecret: 'the signature secret',
};

/** The fields to enter, in words: `the Client ID and the Client Secret`. */
export function setupList(fields: string[]): string {
  const names = fields.map((field) => SETUP_LABELS[field] ?? field);
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
