// Where the editor lets credentials travel: "Allow insecure HTTP" appears, with its warning,
// only for a plain-http URL to a host that is not a loopback host on a datasource with
// credentials, and is saved as `allowInsecureHttp`; "Use self-signed certificate for
// authorization requests" appears only with a certificate on an OAuth 2.0 datasource and is
// saved as `auth.useSelfSignedCertForAuth`.
import { screen, waitFor } from '@testing-library/react';
import { describe, expect, test } from 'vitest';
import type { DatasourceConfig } from '../bindings/DatasourceConfig';
import { mockBackend, savedDatasource } from '../test/backend';
import { renderEditor } from '../test/editor';

function savingBackend() {
  return mockBackend({ save_datasource: (args) => savedDatasource('ds_1', args.config as DatasourceConfig) });
}

describe('Allow insecure HTTP', () => {
  test('is offered with a warning for plain http off loopback with credentials, and saved when ticked', async () => {
    const backend = savingBackend();
    const { user } = await renderEditor();
    await user.type(screen.getByLabelText('Name'), 'Plain');
    await user.type(screen.getByLabelText('URL'), 'http://api.example.com');
    expect(screen.queryByLabelText('Allow insecure HTTP')).toBeNull();

    await user.selectOptions(screen.getByLabelText('Authentication type'), 'Bearer Token');
    expect(screen.getByTestId('insecure-http-warning').textContent).toMatch(/travel unencrypted/);
    await user.click(screen.getByLabelText('Allow insecure HTTP'));
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(backend.argsOf('save_datasource')).toHaveLength(1));
    expect((backend.argsOf('save_datasource')[0].config as DatasourceConfig).allowInsecureHttp).toBe(true);
  });

  test('is not offered for https or loopback URLs', async () => {
    savingBackend();
    const { user } = await renderEditor();
    await user.selectOptions(screen.getByLabelText('Authentication type'), 'Bearer Token');
    for (const url of ['https://api.example.com', 'http://127.0.0.1:8080', 'http://localhost:3000', 'http://[::1]:8']) {
      await user.clear(screen.getByLabelText('URL'));
      await user.type(screen.getByLabelText('URL'), url.replace(/\[/g, '[['));
      expect(screen.queryByLabelText('Allow insecure HTTP'), url).toBeNull();
    }
  });
});

describe('Use self-signed certificate for authorization requests', () => {
  test('shows only with a certificate on an OAuth 2.0 datasource and is saved', async () => {
    const backend = savingBackend();
    const { user } = await renderEditor();
    await user.type(screen.getByLabelText('Name'), 'Pinned');
    await user.type(screen.getByLabelText('URL'), 'https://internal.example.com');
    await user.selectOptions(screen.getByLabelText('Authentication type'), 'OAuth 2.0');
    const label = 'Use self-signed certificate for authorization requests';
    expect(screen.queryByLabelText(label)).toBeNull();

    await user.click(screen.getByLabelText('Use self-signed certificate'));
    await user.click(screen.getByLabelText(label));
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(backend.argsOf('save_datasource')).toHaveLength(1));
    const config = backend.argsOf('save_datasource')[0].config as DatasourceConfig;
    expect(config.auth.type === 'oauth2' && config.auth.useSelfSignedCertForAuth).toBe(true);

    await user.selectOptions(screen.getByLabelText('Authentication type'), 'Bearer Token');
    expect(screen.queryByLabelText(label), 'not for other authentication types').toBeNull();
  });

  test('is not saved on once the certificate is turned off', async () => {
    const backend = savingBackend();
    const { user } = await renderEditor();
    await user.type(screen.getByLabelText('Name'), 'Unpinned');
    await user.type(screen.getByLabelText('URL'), 'https://internal.example.com');
    await user.selectOptions(screen.getByLabelText('Authentication type'), 'OAuth 2.0');
    await user.click(screen.getByLabelText('Use self-signed certificate'));
    await user.click(screen.getByLabelText('Use self-signed certificate for authorization requests'));
    await user.click(screen.getByLabelText('Use self-signed certificate'));
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(backend.argsOf('save_datasource')).toHaveLength(1));
    const config = backend.argsOf('save_datasource')[0].config as DatasourceConfig;
    expect(config.auth.type === 'oauth2' && config.auth.useSelfSignedCertForAuth).toBe(false);
  });
});
