// The line a finished Disconnect shows: revoked at the provider, or only forgotten here.
import { describe, expect, test } from 'vitest';
import type { Disconnected } from '../bindings/Disconnected';
import { flowOutcome } from './authFlow';

const forgotten: Disconnected = {
  status: 'not_authorized',
  reason: null,
  tokenType: '',
  scopes: [],
  obtainedAt: null,
  expiresAt: null,
  hasRefreshToken: false,
  revoked: [],
  noRevocationUrl: true,
  revocationFailures: [],
};

describe('flowOutcome after Disconnect', () => {
  test('without a Revocation URL it says the tokens were not revoked', () => {
    const outcome = flowOutcome({ kind: 'succeeded', action: 'disconnect', token: forgotten }, 0);
    expect(outcome?.text).toContain('not revoked at the provider');
    expect(outcome?.text).toContain('no Revocation URL');
  });

  test('with one, revoked tokens are simply removed and failures are shown', () => {
    const revoked = { ...forgotten, noRevocationUrl: false, revoked: ['refresh_token', 'access_token'] };
    const outcome = flowOutcome({ kind: 'succeeded', action: 'disconnect', token: revoked }, 0);
    expect(outcome).toEqual({ ok: true, text: 'Disconnected: the stored tokens were removed.', detail: null });
    const failed = { ...revoked, revoked: [], revocationFailures: ['refresh_token: HTTP 503'] };
    expect(flowOutcome({ kind: 'succeeded', action: 'disconnect', token: failed }, 0)?.detail).toBe(
      'Revocation failed: refresh_token: HTTP 503',
    );
  });
});
