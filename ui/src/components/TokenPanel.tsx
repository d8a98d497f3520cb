// The token panel of a saved OAuth 2.0 datasource: status with the absolute expiry and a
// countdown, whether a refresh token is held, the last failed refresh with the provider's reason
// and the setting to check, granted scopes beside the requested ones (one not granted is
// flagged), the decoded header and claims of a JWT access token or ID token (decoded by the Rust
// side: the page never receives a token or its signature), Refresh now, Authorize again, and the
// last 50 token calls. Reloads when `revision` changes (a flow ended, the list was refreshed).
import { useCallback, useEffect, useState } from 'react';
import { api, errorMessage } from '../api';
import type { DecodedJwt } from '../bindings/DecodedJwt';
import type { GrantType } from '../bindings/GrantType';
import type { TokenDetails } from '../bindings/TokenDetails';
import { fieldLabel } from '../state/fieldErrors';
import { formatMillis } from '../state/format';
import { useNow } from '../useNow';
import { StatusBadge } from './StatusBadge';

export interface TokenPanelProps {
  datasourceId: string;
  /** The environment whose tokens to show; the window's active one when not given. */
  environmentId?: string;
  grant: GrantType;
  /** Changes whenever the token state may have changed elsewhere: the panel reloads. */
  revision: string;
  /** Whether the editor is busy (saving, authorizing): the buttons wait. */
  busy: boolean;
  /** Authorize again: the editor's Save and Authorize flow. */
  onAuthorize: () => void;
  /** The token state changed here (Refresh now): the list refreshes its badge. */
  onChanged: () => void;
}

/** "59 min 12 s", "1 h 5 min", "12 s", "2 days 3 h": a countdown that moves every second. */
export function formatCountdown(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  if (days > 0) return `${days} ${days === 1 ? 'day' : 'days'} ${hours} h`;
  if (hours > 0) return `${hours} h ${minutes} min`;
  if (minutes > 0) return `${minutes} min ${rest} s`;
  return `${rest} s`;
}

function time(ms: number): string {
  return new Date(ms).toLocaleString();
}

function Jwt({ title, jwt, testId }: { title: string; jwt: DecodedJwt; testId: string }) {
  return (
    <details className="token-jwt" data-testid={testId}>
      <summary>{title}</summary>
      <p className="hint">Decoded without checking the signature; the token itself is not shown.</p>
      <h5>Header</h5>
      <pre>{JSON.stringify(jwt.header, null, 2)}</pre>
      <h5>Claims</h5>
      <pre>{JSON.stringify(jwt.claims, null, 2)}</pre>
    </details>
  );
}

export function TokenPanel({
  datasourceId,
  environmentId,
  grant,
  revision,
  busy,
  onAuthorize,
  onChanged,
}: TokenPanelProps) {
  // The countdown moves every second.
  const now = useNow(1000);
  const [details, setDetails] = useState<TokenDetails | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [refreshing, setRefreshing] = useState(false);
  const [refreshError, setRefreshError] = useState<string | null>(null);

  const reload = useCallback(() => {
    api
      .tokenDetails(datasourceId, environmentId)
      .then((loaded) => {
        setDetails(loaded);
        setLoadError(null);
      })
      .catch((error: unknown) => setLoadError(errorMessage(error)));
  }, [datasourceId, environmentId]);

  useEffect(() => reload(), [reload, revision]);

  async function refreshNow() {
    setRefreshing(true);
    setRefreshError(null);
    try {
      await api.refreshTokenNow(datasourceId, environmentId);
    } catch (error) {
      setRefreshError(errorMessage(error));
    } finally {
      setRefreshing(false);
      reload();
      onChanged();
    }
  }

  if (loadError) {
    return (
      <section className="section token-panel" aria-labelledby="token-title" data-testid="token-panel">
        <h3 id="token-title">Token</h3>
        <p className="error-text" role="alert">
          {loadError}
        </p>
      </section>
    );
  }
  if (!details) return null;

  const { state } = details;
  const authorized = state.status === 'authorized';
  const lastError = state.lastError ?? null;
  // Tokens a person authorized (code or device grant): refreshed only with a refresh token.
  const code = grant === 'authorization_code' || grant === 'device_code';
  const canRefresh = authorized ? !code || state.hasRefreshToken : !code;
  const granted = new Set(state.scopes);
  const missing = new Set(details.missingScopes);
  const extra = state.scopes.filter((scope) => !details.requestedScopes.includes(scope));

  return (
    <section className="section token-panel" aria-labelledby="token-title" data-testid="token-panel">
      <h3 id="token-title">Token</h3>
      <dl className="token-facts">
        <dt>Status</dt>
        <dd>
          <StatusBadge
            status={state.status}
            expiresAt={state.expiresAt}
            now={now}
            refreshFailing={lastError !== null}
          />
          {state.status === 'needs_reauthorization' && state.reason && <span className="detail"> {state.reason}</span>}
        </dd>
        {authorized && (
          <>
            <dt>Expires</dt>
            <dd data-testid="token-expiry">
              {state.expiresAt === null
                ? 'Unknown: the provider gave no expiry'
                : state.expiresAt > now
                  ? `${time(state.expiresAt)} (in ${formatCountdown(state.expiresAt - now)})`
                  : `${time(state.expiresAt)} (expired: renewed on the next request)`}
            </dd>
            {state.obtainedAt !== null && (
              <>
                <dt>Obtained</dt>
                <dd>{time(state.obtainedAt)}</dd>
              </>
            )}
            <dt>Refresh token</dt>
            <dd data-testid="token-refresh">
              {state.hasRefreshToken
                ? 'Held'
                : code
                  ? 'None: when the access token expires, authorize again'
                  : 'None: a new token is fetched when needed'}
            </dd>
          </>
        )}
      </dl>

      {lastError && (
        <div className="error" role="alert" data-testid="token-last-error">
          <p>
            Refresh failing since {time(lastError.at)}
            {lastError.failures > 1 ? ` (${lastError.failures} times in a row)` : ''}. The access token works until it
            expires.
          </p>
          <p className="detail">{lastError.message}</p>
          {lastError.field && (
            <p className="detail" data-testid="token-last-error-field">
              Check: <strong>{fieldLabel(lastError.field)}</strong>
            </p>
          )}
        </div>
      )}

      {(details.requestedScopes.length > 0 || state.scopes.length > 0) && (
        <div className="token-scopes" data-testid="token-scopes">
          <h4>Scopes</h4>
          <ul>
            {details.requestedScopes.map((scope) => (
              <li
                key={scope}
                data-testid="token-scope"
                data-granted={authorized ? String(granted.has(scope)) : undefined}
              >
                <code>{scope}</code>
                {authorized &&
                  (missing.has(scope) ? (
                    <span className="badge badge-warn"> not granted</span>
                  ) : (
                    <span className="muted"> granted</span>
                  ))}
              </li>
            ))}
            {extra.map((scope) => (
              <li key={scope} data-testid="token-scope" data-granted="true">
                <code>{scope}</code> <span className="muted">granted, not requested</span>
              </li>
            ))}
          </ul>
        </div>
      )}

      {details.accessTokenJwt && (
        <Jwt title="Access token (JWT): header and claims" jwt={details.accessTokenJwt} testId="token-access-jwt" />
      )}
      {details.idToken && <Jwt title="ID token: header and claims" jwt={details.idToken} testId="token-id-jwt" />}

      <div className="token-actions">
        <button
          type="button"
          data-testid="token-refresh-now"
          disabled={busy || refreshing || !canRefresh}
          onClick={() => void refreshNow()}
        >
          {refreshing ? 'Refreshing…' : code ? 'Refresh now' : 'Fetch a new token'}
        </button>
        {code && (
          <button type="button" data-testid="token-authorize-again" disabled={busy || refreshing} onClick={onAuthorize}>
            {state.status === 'not_authorized' ? 'Authorize' : 'Authorize again'}
          </button>
        )}
      </div>
      {refreshError && (
        <p className="error-text" role="alert" data-testid="token-refresh-error">
          {refreshError}
        </p>
      )}

      <details className="token-log" data-testid="token-log">
        <summary>Token calls ({details.calls.length})</summary>
        {details.calls.length === 0 ? (
          <p className="muted">No calls to the token endpoint yet.</p>
        ) : (
          <div className="token-log-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Grant</th>
                  <th scope="col">Status</th>
                  <th scope="col">Duration</th>
                  <th scope="col">Endpoint</th>
                  <th scope="col">Provider&apos;s error</th>
                </tr>
              </thead>
              <tbody>
                {details.calls.map((call, i) => (
                  <tr key={`${call.at}-${i}`} data-testid="token-call">
                    <td>{time(call.at)}</td>
                    <td>{call.grant}</td>
                    <td>{call.status ?? '–'}</td>
                    <td>{formatMillis(call.durationMs)}</td>
                    <td className="token-endpoint" title={call.endpoint}>
                      {call.endpoint}
                    </td>
                    <td>
                      {call.error && <code>{call.error}</code>}
                      {call.description && <span className="detail"> {call.description}</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </details>
    </section>
  );
}
