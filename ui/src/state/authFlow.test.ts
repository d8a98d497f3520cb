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

  test('with one, it says the tokens were revoked at the provider', () => {
    const revoked = { ...forgotten, noRevocationUrl: false, revoked: ['refresh_token', 'access_token'] };
    const outcome = flowOutcome({ kind: 'succeeded', action: 'disconnect', token: revoked }, 0);
    expect(outcome).toEqual({
      ok: true,
      text: 'Disconnected: the refresh token and access token were revoked at the provider and forgotten here.',
      detail: null,
    });
  });

  test('a failed revocation says the tokens were only forgotten, with the reasons', () => {
    const failed = { ...forgotten, noRevocationUrl: false, revocationFailures: ['refresh_token: HTTP 503'] };
    const outcome = flowOutcome({ kind: 'succeeded', action: 'disconnect', token: failed }, 0);
    expect(outcome?.ok, 'shown as a problem').toBe(false);
    expect(outcome?.text).toBe(
      'Disconnected: the tokens were forgotten here, but the provider did not revoke them; they stay valid there until they expire.',
    );
    expect(outcome?.detail).toBe('Revocation failed: refresh_token: HTTP 503');
    const partly = { ...failed, revoked: ['access_token'] };
    expect(flowOutcome({ kind: 'succeeded', action: 'disconnect', token: partly }, 0)?.text).toMatch(
      /^Disconnected: the access token was revoked at the provider, but not every token was/,
    );
  });
});

describe('flowOutcome after a failed Save and Test', () => {
  const token = { ...forgotten, status: 'authorized' as const, expiresAt: 30 * 60_000 };
  test('says the token obtained before is kept when it still is', () => {
    const outcome = flowOutcome(
      { kind: 'failed', action: 'test', error: new Error('the token endpoint is unavailable'), kept: token },
      0,
    );
    expect(outcome?.text).toBe('the token endpoint is unavailable');
    expect(outcome?.detail).toMatch(
      /^The token obtained before is kept: requests still use it \(it expires in 30 min\)\.$/,
    );
  });

  test('says nothing of a token when none is kept', () => {
    expect(
      flowOutcome({ kind: 'failed', action: 'test', error: new Error('refused'), kept: null }, 0)?.detail,
    ).toBeNull();
  });
});
