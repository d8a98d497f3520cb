// The token panel (status, expiry and countdown, refresh token, scopes granted beside requested,
// decoded JWTs, Refresh now, Authorize again, the call log), the "Refresh failing" badge, and the
// request tester's Authorize offer on a not-authorized error, chosen by the error's code.
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, test, vi } from 'vitest';
import type { ErrorPayload } from '../bindings/ErrorPayload';
import type { TokenDetails } from '../bindings/TokenDetails';
import { defaultOAuth2 } from '../state/datasourceForm';
import { datasource, mockBackend } from '../test/backend';
import { renderEditor } from '../test/editor';
import { AuthorizeOffer } from './AuthorizeOffer';
import { RequestTester } from './RequestTester';
import { StatusBadge } from './StatusBadge';
import { formatCountdown, TokenPanel } from './TokenPanel';

const HOUR = 3_600_000;

function details(overrides: Partial<TokenDetails> = {}, state: Partial<TokenDetails['state']> = {}): TokenDetails {
  const now = Date.now();
  return {
    state: {
      status: 'authorized',
      reason: null,
      tokenType: 'Bearer',
      scopes: ['openid', 'files.read'],
      obtainedAt: now - 60_000,
      expiresAt: now + HOUR - 60_000,
      hasRefreshToken: true,
      lastError: null,
      ...state,
    },
    requestedScopes: ['openid', 'files.read', 'files.write'],
    missingScopes: ['files.write'],
    accessTokenJwt: {
      header: { alg: 'RS256', kid: 'key-1' },
      claims: { sub: 'alice', scope: 'openid files.read', exp: 1_900_000_000 },
    },
    idToken: { header: { alg: 'RS256' }, claims: { sub: 'alice', email: 'alice@example.com' } },
    calls: [
      {
        at: now - 5_000,
        grant: 'refresh_token',
        endpoint: 'https://id.example.com/token',
        status: 401,
        durationMs: 48,
        error: 'invalid_client',
        description: 'client authentication failed',
      },
      {
        at: now - 60_000,
        grant: 'authorization_code',
        endpoint: 'https://id.example.com/token',
        status: 200,
        durationMs: 120,
        error: null,
        description: null,
      },
    ],
    ...overrides,
  };
}

function renderPanel(loaded: TokenDetails, handlers: Record<string, (args: Record<string, unknown>) => unknown> = {}) {
  const onAuthorize = vi.fn();
  const onChanged = vi.fn();
  const backend = mockBackend({ token_details: () => loaded, ...handlers });
  const user = userEvent.setup();
  render(
    <TokenPanel
      datasourceId="ds-1"
      grant="authorization_code"
      revision="r1"
      busy={false}
      onAuthorize={onAuthorize}
      onChanged={onChanged}
    />,
  );
  return { backend, user, onAuthorize, onChanged };
}

describe('the token panel', () => {
  test('shows status, expiry with a countdown, the refresh token, scopes and the decoded JWTs', async () => {
    renderPanel(details());
    const panel = await screen.findByTestId('token-panel');
    expect(within(panel).getByTestId('badge').textContent).toMatch(/^Authorized · expires in 5\d min$/);
    expect(screen.getByTestId('token-expiry').textContent).toMatch(/\(in 5\d min \d+ s\)$/);
    expect(screen.getByTestId('token-refresh').textContent).toBe('Held');

    const scopes = screen.getAllByTestId('token-scope');
    expect(scopes.map((s) => [s.textContent, s.dataset.granted])).toEqual([
      ['openid granted', 'true'],
      ['files.read granted', 'true'],
      ['files.write not granted', 'false'],
    ]);
    expect(scopes[2].querySelector('.badge-warn'), 'a requested scope not granted is flagged').not.toBeNull();

    expect(screen.getByTestId('token-access-jwt').textContent).toContain('"kid": "key-1"');
    expect(screen.getByTestId('token-access-jwt').textContent).toContain('"sub": "alice"');
    expect(screen.getByTestId('token-id-jwt').textContent).toContain('alice@example.com');
  });

  test('lists the token calls with their grant, status, duration and the provider error', async () => {
    renderPanel(details());
    const rows = await screen.findAllByTestId('token-call');
    expect(rows).toHaveLength(2);
    expect(screen.getByTestId('token-log').querySelector('summary')?.textContent).toBe('Token calls (2)');
    const cells = within(rows[0])
      .getAllByRole('cell')
      .map((cell) => cell.textContent);
    expect(cells.slice(1)).toEqual([
      'refresh_token',
      '401',
      '48 ms',
      'https://id.example.com/token',
      'invalid_client client authentication failed',
    ]);
  });

  test('a failed refresh is shown with the provider reason and the setting to check, on the badge too', async () => {
    const at = Date.now() - 30_000;
    renderPanel(
      details(
        {},
        {
          lastError: {
            at,
            grant: 'refresh_token',
            message: 'refreshing the access token failed: the provider answered `invalid_client`, HTTP 401',
            error: 'invalid_client',
            description: null,
            field: 'auth.refreshClientAuthentication',
            failures: 3,
          },
        },
      ),
    );
    const box = await screen.findByTestId('token-last-error');
    expect(box.textContent).toContain('Refresh failing since');
    expect(box.textContent).toContain('(3 times in a row)');
    expect(box.textContent).toContain('invalid_client');
    expect(screen.getByTestId('token-last-error-field').textContent).toBe(
      'Check: Send client credentials with (on refresh token)',
    );
    expect(within(screen.getByTestId('token-panel')).getByTestId('badge').textContent).toBe('Refresh failing');
  });

  test('Refresh now asks the core and reloads; Authorize again runs the editor flow', async () => {
    const { backend, user, onAuthorize, onChanged } = renderPanel(details(), {
      refresh_token_now: () => details().state,
    });
    await user.click(await screen.findByTestId('token-refresh-now'));
    await waitFor(() =>
      expect(backend.argsOf('refresh_token_now')).toEqual([{ id: 'ds-1', environmentId: 'env_default' }]),
    );
    await waitFor(() => expect(backend.argsOf('token_details').length).toBe(2));
    expect(onChanged).toHaveBeenCalled();

    await user.click(screen.getByTestId('token-authorize-again'));
    expect(onAuthorize).toHaveBeenCalledTimes(1);
  });

  test('a refused Refresh now shows why; without a refresh token it is not offered', async () => {
    const refused: ErrorPayload = {
      code: 'token_endpoint',
      message: 'refreshing the access token failed: invalid_client',
      field: null,
      fields: [],
      provider: null,
    };
    const { user } = renderPanel(details(), {
      refresh_token_now: () => {
        throw refused;
      },
    });
    await user.click(await screen.findByTestId('token-refresh-now'));
    expect((await screen.findByTestId('token-refresh-error')).textContent).toBe(refused.message);

    document.body.innerHTML = '';
    renderPanel(details({}, { hasRefreshToken: false }));
    expect((await screen.findAllByTestId('token-refresh-now')).at(-1)?.hasAttribute('disabled')).toBe(true);
    expect(screen.getAllByTestId('token-refresh').at(-1)?.textContent).toBe(
      'None: when the access token expires, authorize again',
    );
  });

  test('the countdown counts in seconds near the end', () => {
    expect(formatCountdown(59 * 60_000 + 12_000)).toBe('59 min 12 s');
    expect(formatCountdown(65 * 60_000)).toBe('1 h 5 min');
    expect(formatCountdown(12_400)).toBe('12 s');
    expect(formatCountdown(-5)).toBe('0 s');
    expect(formatCountdown(51 * HOUR)).toBe('2 days 3 h');
  });
});

describe('the badge', () => {
  test('says Refresh failing for an authorized token whose last refresh failed', () => {
    const now = Date.now();
    render(<StatusBadge status="authorized" expiresAt={now + HOUR} now={now} refreshFailing />);
    const badge = screen.getByTestId('badge');
    expect(badge.textContent).toBe('Refresh failing');
    expect(badge.className).toContain('badge-warn');
    expect(badge.dataset.status).toBe('refresh_failing');
  });

  test('needs authorization wins over a failing refresh; without a failure it is the usual text', () => {
    const now = Date.now();
    render(<StatusBadge status="needs_reauthorization" expiresAt={null} now={now} refreshFailing />);
    render(<StatusBadge status="authorized" expiresAt={now + HOUR} now={now} refreshFailing={false} />);
    expect(screen.getAllByTestId('badge').map((b) => b.textContent)).toEqual([
      'Needs authorization',
      'Authorized · expires in 1 h',
    ]);
  });
});

describe('the tester offers Authorize', () => {
  function failure(code: ErrorPayload['code'], message: string): ErrorPayload {
    return { code, message, field: null, fields: [], provider: null };
  }

  test('when a send fails as not authorized, by the code and not the text', async () => {
    const backend = mockBackend({
      get_datasource: () => datasource({ auth: { type: 'oauth2' } as never }),
      send_request: () => {
        throw failure('not_authorized', 'some words in any language');
      },
      authorize: () => details().state,
    });
    const user = userEvent.setup();
    render(<RequestTester datasourceId="ds-1" revision={0} active />);
    await user.type(screen.getByLabelText('Path'), '/me');
    await user.click(screen.getByRole('button', { name: 'Send' }));
    const error = await screen.findByTestId('send-error');
    await user.click(within(error).getByTestId('authorize-offer-button'));
    await waitFor(() => expect(backend.argsOf('authorize')).toEqual([{ id: 'ds-1', environmentId: 'env_default' }]));
    expect((await within(error).findByRole('status')).textContent).toBe('Authorized: send the request again.');
  });

  test('needs_reauthorization says Authorize again; other codes offer nothing, even with the words', async () => {
    mockBackend({});
    const { rerender } = render(<AuthorizeOffer code="needs_reauthorization" datasourceId="ds-1" />);
    expect(screen.getByTestId('authorize-offer-button').textContent).toBe('Authorize again');
    rerender(<AuthorizeOffer code="token_endpoint" datasourceId="ds-1" />);
    expect(screen.queryByTestId('authorize-offer'), 'a token endpoint error is not fixed by authorizing').toBeNull();
    rerender(<AuthorizeOffer code="network" datasourceId="ds-1" />);
    expect(screen.queryByTestId('authorize-offer')).toBeNull();
  });

  test('a failed authorization says why and the button stays', async () => {
    mockBackend({
      authorize: () => {
        throw failure('authorization_failed', 'the provider answered access_denied');
      },
    });
    const user = userEvent.setup();
    render(<AuthorizeOffer code="not_authorized" datasourceId="ds-1" />);
    await user.click(screen.getByTestId('authorize-offer-button'));
    expect((await screen.findByRole('alert')).textContent).toBe('the provider answered access_denied');
    expect(screen.getByTestId('authorize-offer-button').textContent).toBe('Authorize');
  });
});

describe('in the editor', () => {
  test('a saved OAuth 2.0 datasource shows the panel, and its Authorize again runs Save and Authorize', async () => {
    const backend = mockBackend({
      get_datasource: () =>
        datasource({
          auth: {
            type: 'oauth2',
            ...defaultOAuth2(),
            authorizationUrl: 'https://id.example.com/auth',
            accessTokenUrl: 'https://id.example.com/token',
            clientId: 'c',
          },
        }),
      token_details: () => details(),
      authorize: () => details().state,
    });
    const { user } = await renderEditor('ds-1');
    await user.click(await screen.findByTestId('token-authorize-again'));
    await waitFor(() => expect(backend.argsOf('authorize')).toEqual([{ id: 'ds-1', environmentId: 'env_default' }]));
    expect(backend.argsOf('token_details')[0]).toEqual({ id: 'ds-1', environmentId: 'env_default' });
  });

  test('other authentication types and new datasources have no token panel', async () => {
    mockBackend({ get_datasource: () => datasource({ auth: { type: 'bearer', token: { set: true } } as never }) });
    await renderEditor('ds-1');
    expect(screen.queryByTestId('token-panel')).toBeNull();
    document.body.innerHTML = '';
    const backend = mockBackend({});
    await renderEditor(null);
    expect(screen.queryByTestId('token-panel')).toBeNull();
    expect(backend.argsOf('token_details')).toEqual([]);
  });
});
