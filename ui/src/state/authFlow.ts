// Save and Authorize / Save and Test / Disconnect as a small state machine, and the line of
// text that reports its outcome. No React here.
import { errorMessage, isErrorPayload } from '../api';
import type { AuthorizationStarted } from '../bindings/AuthorizationStarted';
import type { DeviceCodeStarted } from '../bindings/DeviceCodeStarted';
import type { Disconnected } from '../bindings/Disconnected';
import type { TokenState } from '../bindings/TokenState';
import { formatDuration, tokenBadge } from './format';

export type FlowAction = 'authorize' | 'test' | 'disconnect';

export type AuthFlow =
  | { kind: 'idle' }
  | {
      kind: 'running';
      action: FlowAction;
      started: AuthorizationStarted | null;
      /** The device code grant's code to enter, once it came. */
      device?: DeviceCodeStarted | null;
    }
  | { kind: 'succeeded'; action: FlowAction; token: TokenState }
  | {
      kind: 'failed';
      action: FlowAction;
      error: unknown;
      /** After a failed Save and Test: the token stored before, when it is still good. */
      kept?: TokenState | null;
    };

/** The outcome of a finished flow as one line (and the provider's words on a second). */
export function flowOutcome(flow: AuthFlow, now: number): { ok: boolean; text: string; detail: string | null } | null {
  if (flow.kind === 'succeeded') {
    const { token } = flow;
    if (flow.action === 'disconnect') return disconnected(token);
    if (flow.action === 'test') {
      const expiry =
        token.expiresAt === null ? '' : ` · expires in ${formatDuration(Math.max(0, token.expiresAt - now))}`;
      return { ok: true, text: `Token received${expiry}`, detail: grantedScopes(token) };
    }
    return { ok: true, text: tokenBadge(token.status, token.expiresAt, now).text, detail: grantedScopes(token) };
  }
  if (flow.kind === 'failed') {
    const provider = isErrorPayload(flow.error) ? flow.error.provider : null;
    let detail: string | null = null;
    if (provider) {
      detail = `The provider said: ${provider.error}`;
      if (provider.description) detail += ` — ${provider.description}`;
      if (provider.status !== null) detail += ` (HTTP ${provider.status})`;
    }
    if (flow.kept) {
      const expiry =
        flow.kept.expiresAt === null
          ? ''
          : ` (it expires in ${formatDuration(Math.max(0, flow.kept.expiresAt - now))})`;
      const kept = `The token obtained before is kept: requests still use it${expiry}.`;
      detail = detail ? `${detail}\n${kept}` : kept;
    }
    return { ok: false, text: errorMessage(flow.error), detail };
  }
  return null;
}

/** What Disconnect did: revoked at the provider, or only forgotten here (no Revocation URL, or the revocation failed). */
function disconnected(token: TokenState | Disconnected): { ok: boolean; text: string; detail: string | null } {
  const outcome = 'noRevocationUrl' in token ? token : null;
  const failures = outcome?.revocationFailures ?? [];
  const revoked = outcome?.revoked ?? [];
  const detail = failures.length > 0 ? `Revocation failed: ${failures.join('; ')}` : null;
  if (outcome?.noRevocationUrl) {
    const text =
      'Disconnected: the tokens were forgotten here but not revoked at the provider (this datasource has no Revocation URL); they stay valid there until they expire.';
    return { ok: true, text, detail };
  }
  const names = revoked.map((kind) => kind.replace('_', ' ')).join(' and ');
  if (failures.length > 0) {
    const text =
      revoked.length > 0
        ? `Disconnected: the ${names} ${revoked.length === 1 ? 'was' : 'were'} revoked at the provider, but not every token was; the tokens were forgotten here and the others stay valid there until they expire.`
        : 'Disconnected: the tokens were forgotten here, but the provider did not revoke them; they stay valid there until they expire.';
    return { ok: false, text, detail };
  }
  if (revoked.length > 0)
    return {
      ok: true,
      text: `Disconnected: the ${names} ${revoked.length === 1 ? 'was' : 'were'} revoked at the provider and forgotten here.`,
      detail,
    };
  if (outcome === null) return { ok: true, text: 'Disconnected: the stored tokens were removed.', detail };
  return { ok: true, text: 'Disconnected: no tokens were stored, so there was nothing to revoke.', detail };
}

function grantedScopes(token: TokenState): string | null {
  return token.scopes.length > 0 ? `Granted scopes: ${token.scopes.join(', ')}` : null;
}
