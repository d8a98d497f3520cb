// The "Client certificate (mTLS)" section: the certificate is saved as text, the key and its
// passphrase (shown for an encrypted key) as secret slots (a stored one is kept as `{ set: true }`,
// never shown); the core's field errors appear under each field. In OAuth 2.0, tls_client_auth
// and self_signed_tls_client_auth say they use the client certificate and show no Client secret.
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, test } from 'vitest';
import type { DatasourceConfig } from '../bindings/DatasourceConfig';
import { datasource, invalidInput, mockBackend, savedDatasource } from '../test/backend';
import { renderEditor } from '../test/editor';

const CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';
const KEY = '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIE\n-----END ENCRYPTED PRIVATE KEY-----';

function savingBackend() {
  return mockBackend({ save_datasource: (args) => savedDatasource('ds_1', args.config as DatasourceConfig) });
}

async function savedConfig(backend: ReturnType<typeof mockBackend>): Promise<DatasourceConfig> {
  await waitFor(() => expect(backend.argsOf('save_datasource')).toHaveLength(1));
  return backend.argsOf('save_datasource')[0].config as DatasourceConfig;
}

describe('Client certificate (mTLS)', () => {
  test('saves the certificate as text and the key and passphrase as secrets', async () => {
    const backend = savingBackend();
    const { user } = await renderEditor();
    await user.type(screen.getByLabelText('Name'), 'Mutual');
    await user.type(screen.getByLabelText('URL'), 'https://mtls.example.com');
    const section = screen.getByRole('group', { name: 'Client certificate (mTLS)' });
    await user.click(within(section).getByLabelText('Client certificate (PEM)'));
    await user.paste(CERT);
    expect(within(section).queryByLabelText('Key passphrase'), 'only for an encrypted key').toBeNull();
    await user.click(within(section).getByLabelText('Client certificate key'));
    await user.paste(KEY);
    await user.type(within(section).getByLabelText('Key passphrase'), 'pass phrase');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    const config = await savedConfig(backend);
    expect(config.clientCertificate).toBe(CERT);
    expect(config.clientCertificateKey).toBe(KEY);
    expect(config.clientCertificatePassphrase).toBe('pass phrase');
  });

  test('a stored key is kept without being shown, and an empty section saves nothing', async () => {
    const stored = datasource({
      id: 'ds_7',
      clientCertificate: CERT,
      clientCertificateKey: { set: true },
      clientCertificatePassphrase: { set: false },
    });
    const backend = mockBackend({
      get_datasource: () => stored,
      save_datasource: (args) => savedDatasource('ds_7', args.config as DatasourceConfig),
    });
    const { user } = await renderEditor('ds_7');
    expect(screen.getByLabelText<HTMLTextAreaElement>('Client certificate (PEM)').value).toBe(CERT);
    expect(screen.queryByText(/MIIE/)).toBeNull();
    await user.type(screen.getByLabelText('Name'), ' 2');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    const config = await savedConfig(backend);
    expect(config.clientCertificateKey).toEqual({ set: true });
    expect(config.clientCertificatePassphrase).toBeNull();
  });

  test("the core's field errors show under the key", async () => {
    mockBackend({
      save_datasource: () => {
        throw invalidInput('invalid', [
          { field: 'clientCertificateKey', message: 'this key does not belong to the client certificate' },
          { field: 'clientCertificateKey', message: 'the key is not a key' },
        ]);
      },
    });
    const { user } = await renderEditor();
    await user.type(screen.getByLabelText('Name'), 'Mutual');
    await user.type(screen.getByLabelText('URL'), 'https://mtls.example.com');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('this key does not belong to the client certificate')).toBeTruthy();
    expect(screen.getByText('the key is not a key')).toBeTruthy();
    expect(screen.getByLabelText('Client certificate key').getAttribute('aria-invalid')).toBe('true');
  });
});

describe('OAuth 2.0 client authentication with the client certificate', () => {
  test('tls_client_auth and self_signed_tls_client_auth use the certificate and show no client secret', async () => {
    const backend = savingBackend();
    const { user } = await renderEditor();
    await user.type(screen.getByLabelText('Name'), 'Machine');
    await user.type(screen.getByLabelText('URL'), 'https://api.example.com');
    await user.selectOptions(screen.getByLabelText('Authentication type'), 'OAuth 2.0');
    await user.selectOptions(screen.getByLabelText('Grant type'), 'Client Credentials');
    expect(screen.getByLabelText('Client secret')).toBeTruthy();
    const method = screen.getByLabelText('Client authentication');
    for (const value of ['tls_client_auth', 'self_signed_tls_client_auth']) {
      await user.selectOptions(method, value);
      expect(screen.queryByLabelText('Client secret'), value).toBeNull();
      expect(screen.getByText(/Uses the client certificate/), value).toBeTruthy();
    }
    await user.selectOptions(method, 'tls_client_auth');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    const config = await savedConfig(backend);
    expect(config.auth.type === 'oauth2' && config.auth.clientAuthentication).toBe('tls_client_auth');
    await user.selectOptions(method, 'body');
    expect(screen.getByLabelText('Client secret')).toBeTruthy();
    expect(screen.queryByText(/Uses the client certificate/)).toBeNull();
  });
});
