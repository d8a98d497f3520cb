// private_key_jwt in the editor: the fields it needs appear only with it, the public key to
// register is derived by the core (mocked `client_public_key`) from the key just pasted or from
// the saved one, with a Copy button, and a bad key shows the core's field error.
import { screen, waitFor } from '@testing-library/react';
import { describe, expect, test } from 'vitest';
import type { DatasourceConfig } from '../bindings/DatasourceConfig';
import type { PublicKeyToRegister } from '../bindings/PublicKeyToRegister';
import { defaultOAuth2 } from '../state/datasourceForm';
import { datasource, invalidInput, mockBackend, savedDatasource, type Args } from '../test/backend';
import { renderEditor } from '../test/editor';

const PEM =
  '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n';

const PUBLIC: PublicKeyToRegister = {
  jwk: '{\n  "crv": "P-256",\n  "kty": "EC",\n  "x": "f83O",\n  "y": "x_FE",\n  "alg": "ES256",\n  "use": "sig",\n  "kid": "NzbL"\n}',
  alg: 'ES256',
  kid: 'NzbL',
};

async function renderKeyJwt(handlers: Record<string, (args: Args) => unknown> = {}) {
  const backend = mockBackend({ client_public_key: () => PUBLIC, ...handlers });
  const rendered = await renderEditor();
  const { user } = rendered;
  await user.selectOptions(screen.getByLabelText('Authentication type'), 'OAuth 2.0');
  await user.selectOptions(screen.getByLabelText('Grant type'), 'Client Credentials');
  await user.selectOptions(screen.getByLabelText('Client authentication'), 'Private key JWT (private_key_jwt)');
  return { backend, ...rendered };
}

describe('private_key_jwt', () => {
  test('shows the key, algorithm and Key ID only when chosen, and no Client secret', async () => {
    const { user } = await renderKeyJwt();
    expect(screen.getByLabelText('Private key')).toBeTruthy();
    expect(screen.getByLabelText('Algorithm')).toBeTruthy();
    expect(screen.getByLabelText('Key ID')).toBeTruthy();
    expect(screen.queryByLabelText('Client secret'), 'the assertion replaces the secret').toBeNull();
    expect(screen.queryByLabelText('Public key to register'), 'nothing to show without a key').toBeNull();
    await user.selectOptions(screen.getByLabelText('Client authentication'), 'Send client credentials in body');
    expect(screen.queryByLabelText('Private key')).toBeNull();
    expect(screen.queryByLabelText('Algorithm')).toBeNull();
    expect(screen.getByLabelText('Client secret')).toBeTruthy();
  });

  test('a pasted key shows its public JWK, which Copy puts on the clipboard', async () => {
    const { user, backend } = await renderKeyJwt();
    await user.click(screen.getByLabelText('Private key'));
    await user.paste(PEM);
    const shown = await screen.findByLabelText<HTMLTextAreaElement>('Public key to register');
    expect(shown.value).toBe(PUBLIC.jwk);
    expect(backend.argsOf('client_public_key').at(-1)).toEqual({
      key: PEM,
      id: null,
      environmentId: null,
      alg: 'by_key',
      kid: '',
    });
    await user.click(screen.getByTestId('copy-public-jwk'));
    expect(await navigator.clipboard.readText()).toBe(PUBLIC.jwk);
  });

  test('the chosen Algorithm and Key ID go to the core with the key', async () => {
    const { user, backend } = await renderKeyJwt();
    await user.selectOptions(screen.getByLabelText('Algorithm'), 'ES256 (EC P-256)');
    await user.type(screen.getByLabelText('Key ID'), 'k');
    expect(backend.argsOf('client_public_key'), 'nothing to derive without a key').toEqual([]);
    await user.click(screen.getByLabelText('Private key'));
    await user.paste(PEM);
    await waitFor(() =>
      expect(backend.argsOf('client_public_key').at(-1)).toMatchObject({ key: PEM, alg: 'ES256', kid: 'k' }),
    );
  });

  test("a key the core cannot use shows the core's message and no public key", async () => {
    const message = 'this is a public key or certificate; the assertion is signed with the private key';
    const { user } = await renderKeyJwt({
      client_public_key: () => {
        throw invalidInput(message, [{ field: 'auth.clientAssertionKey', message }]);
      },
    });
    await user.click(screen.getByLabelText('Private key'));
    await user.paste('-----BEGIN PUBLIC KEY-----\nMCow\n-----END PUBLIC KEY-----\n');
    const error = await screen.findByText(message);
    expect(error.getAttribute('data-field')).toBe('auth.clientAssertionKey');
    expect(screen.queryByLabelText('Public key to register')).toBeNull();
  });

  test('a saved key is derived by the core from the vault, and Save sends the fields', async () => {
    const stored = datasource({
      id: 'ds-1',
      auth: {
        type: 'oauth2',
        ...defaultOAuth2(),
        grantType: 'client_credentials',
        accessTokenUrl: 'https://id.example.com/token',
        clientId: 'c',
        clientAuthentication: 'private_key_jwt',
        clientAssertionKey: { set: true },
        clientAssertionAlg: 'ES256',
      },
    });
    const backend = mockBackend({
      get_datasource: () => stored,
      client_public_key: () => PUBLIC,
      save_datasource: (args) => savedDatasource('ds-1', args.config as DatasourceConfig),
    });
    const { user } = await renderEditor('ds-1');
    const shown = await screen.findByLabelText<HTMLTextAreaElement>('Public key to register');
    expect(shown.value).toBe(PUBLIC.jwk);
    expect(backend.argsOf('client_public_key')[0]).toMatchObject({ key: null, id: 'ds-1', alg: 'ES256', kid: '' });
    await user.type(screen.getByLabelText('Key ID'), 'k2');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(backend.argsOf('save_datasource')).toHaveLength(1));
    const config = backend.argsOf('save_datasource')[0].config as DatasourceConfig;
    expect(config.auth).toMatchObject({
      clientAuthentication: 'private_key_jwt',
      clientAssertionKey: { set: true },
      clientAssertionAlg: 'ES256',
      clientAssertionKid: 'k2',
    });
  });
  test('with the code grant, Client secret comes back only for refreshes that send it', async () => {
    mockBackend({ client_public_key: () => PUBLIC });
    const { user } = await renderEditor();
    await user.selectOptions(screen.getByLabelText('Authentication type'), 'OAuth 2.0');
    await user.selectOptions(screen.getByLabelText('Client authentication'), 'Private key JWT (private_key_jwt)');
    expect(screen.queryByLabelText('Client secret')).toBeNull();
    await user.selectOptions(screen.getByLabelText('Send client credentials with (on refresh token)'), 'Body');
    expect(screen.getByLabelText('Client secret')).toBeTruthy();
  });
});
