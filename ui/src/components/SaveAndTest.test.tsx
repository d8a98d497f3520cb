// Save and Test and Disconnect as the editor reports them: a failed test fetch after a change
// to non-auth fields says the working token is kept (the core keeps it: the save moved no
// destination and a failed fetch writes nothing, see tests/lifecycle.rs), and Disconnect says
// whether the tokens were revoked at the provider or only forgotten.
import { screen, waitFor } from '@testing-library/react';
import { describe, expect, test } from 'vitest';
import type { DatasourceConfig } from '../bindings/DatasourceConfig';
import type { Disconnected } from '../bindings/Disconnected';
import type { TokenState } from '../bindings/TokenState';
import { defaultOAuth2 } from '../state/datasourceForm';
import { datasource, mockBackend, savedDatasource } from '../test/backend';
import { renderEditor } from '../test/editor';

const NOW = 1_700_000_000_000;

const stored = datasource({
  id: 'ds-1',
  auth: {
    type: 'oauth2',
    ...defaultOAuth2(),
    grantType: 'client_credentials',
    accessTokenUrl: 'https://id.example.com/token',
    clientId: 'c',
    clientSecret: { set: true },
  },
});

const working: TokenState = {
  status: 'authorized',
  reason: null,
  tokenType: 'Bearer',
  scopes: [],
  obtainedAt: NOW - 60_000,
  expiresAt: NOW + 45 * 60_000,
  hasRefreshToken: false,
} as TokenState;

describe('Save and Test', () => {
  test('after a header change, a failed fetch says the working token is kept', async () => {
    const backend = mockBackend({
      get_datasource: () => stored,
      save_datasource: (args) => savedDatasource('ds-1', args.config as DatasourceConfig, null),
      authorize: () => {
        throw {
          code: 'token_endpoint',
          message: 'the token endpoint is unavailable (HTTP 503): try again later',
          field: null,
          fields: [],
          provider: null,
        };
      },
      token_state: () => working,
    });
    const { user } = await renderEditor('ds-1');
    await user.click(screen.getByRole('button', { name: '+ Add header' }));
    await user.type(screen.getByLabelText('Headers 1 key'), 'Accept');
    await user.type(screen.getByLabelText('Headers 1 value'), 'application/json');
    await user.click(screen.getByTestId('save-and-test'));

    const result = await screen.findByTestId('auth-result');
    expect(result.textContent).toContain('the token endpoint is unavailable');
    await waitFor(() =>
      expect(result.textContent).toContain(
        'The token obtained before is kept: requests still use it (it expires in 45 min).',
      ),
    );
    expect(backend.argsOf('save_datasource'), 'the header was saved first').toHaveLength(1);
    expect(backend.argsOf('disconnect'), 'nothing dropped the token').toEqual([]);
  });

  test('a failed fetch with no token before says nothing of one', async () => {
    mockBackend({
      get_datasource: () => stored,
      authorize: () => {
        throw {
          code: 'token_endpoint',
          message: 'invalid_client: check the Client ID and Client Secret',
          field: null,
          fields: [],
          provider: null,
        };
      },
      token_state: () => ({ ...working, status: 'not_authorized', expiresAt: null }),
    });
    const { user } = await renderEditor('ds-1');
    await user.click(screen.getByTestId('save-and-test'));
    const result = await screen.findByTestId('auth-result');
    expect(result.textContent).toBe('invalid_client: check the Client ID and Client Secret');
  });
});

describe('Disconnect', () => {
  async function disconnectWith(outcome: Partial<Disconnected>) {
    const answer: Disconnected = {
      ...working,
      status: 'not_authorized',
      expiresAt: null,
      revoked: [],
      noRevocationUrl: false,
      revocationFailures: [],
      ...outcome,
    };
    mockBackend({ get_datasource: () => stored, disconnect: () => answer });
    const { user, rerender, props } = await renderEditor('ds-1');
    const { DatasourceEditor } = await import('./DatasourceEditor');
    rerender(
      <DatasourceEditor
        {...props}
        summary={
          {
            id: 'ds-1',
            name: 'Example',
            url: stored.url,
            authType: 'oauth2',
            createdAt: 0,
            updatedAt: 0,
            tokenStatus: 'authorized',
            tokenExpiresAt: NOW + 60_000,
            tokenRefreshFailing: false,
          } as never
        }
      />,
    );
    await user.click(await screen.findByTestId('disconnect'));
    return screen.findByTestId('auth-result');
  }

  test('says the tokens were revoked at the provider', async () => {
    const result = await disconnectWith({ revoked: ['refresh_token', 'access_token'] });
    expect(result.textContent).toBe(
      'Disconnected: the refresh token and access token were revoked at the provider and forgotten here.',
    );
  });

  test('says they were only forgotten when the provider refused', async () => {
    const result = await disconnectWith({ revocationFailures: ['refresh_token: HTTP 400 unsupported_token_type'] });
    expect(result.textContent).toContain('forgotten here, but the provider did not revoke them');
    expect(result.textContent).toContain('Revocation failed: refresh_token: HTTP 400 unsupported_token_type');
    expect(result.getAttribute('role')).toBe('alert');
  });
});
