// The editor's "Proxy" section: System by default (sent as "system"), None, or Custom with its
// URL, username and write-only password; a stored proxy password shows as Saved and is kept;
// the core's errors on proxy.* go under their fields; discovery is asked through the proxy.
import { screen, waitFor } from '@testing-library/react';
import { describe, expect, test } from 'vitest';
import type { DatasourceConfig } from '../bindings/DatasourceConfig';
import { invalidInput, mockBackend, savedDatasource, storedDatasource } from '../test/backend';
import { renderEditor } from '../test/editor';

function savingBackend(extra: Parameters<typeof mockBackend>[0] = {}) {
  return mockBackend({
    save_datasource: (args) => savedDatasource('ds_1', args.config as DatasourceConfig),
    ...extra,
  });
}

function savedConfig(backend: ReturnType<typeof mockBackend>, index = 0): DatasourceConfig {
  return backend.argsOf('save_datasource')[index].config as DatasourceConfig;
}

describe('Proxy', () => {
  test('is System by default, and Custom shows URL, username and password, which are saved', async () => {
    const backend = savingBackend();
    const { user } = await renderEditor();
    await user.type(screen.getByLabelText('Name'), 'Corp');
    await user.type(screen.getByLabelText('URL'), 'https://api.example.com');
    const select = screen.getByLabelText('Proxy server') as HTMLSelectElement;
    expect(select.value).toBe('system');
    expect(screen.queryByLabelText('Proxy URL')).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(backend.argsOf('save_datasource')).toHaveLength(1));
    expect(savedConfig(backend).proxy).toBe('system');

    await user.selectOptions(select, 'Custom');
    await user.type(screen.getByLabelText('Proxy URL'), 'http://proxy.corp.example:3128');
    await user.type(screen.getByLabelText('Proxy username'), 'alice');
    await user.type(screen.getByLabelText('Proxy password'), 'proxy-pass');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(backend.argsOf('save_datasource')).toHaveLength(2));
    expect(savedConfig(backend, 1).proxy).toEqual({
      url: 'http://proxy.corp.example:3128',
      username: 'alice',
      password: 'proxy-pass',
    });
  });

  test('a stored proxy password shows as Saved and is kept; None sends "none"', async () => {
    const stored = storedDatasource('ds_1', {
      name: 'Corp',
      url: 'https://api.example.com',
      allowInsecureHttp: false,
      headers: [],
      queryParams: [],
      sendSignatureHeader: false,
      signatureSecret: null,
      selfSignedCertificate: null,
      clientCertificate: '',
      clientCertificateKey: null,
      clientCertificatePassphrase: null,
      proxy: { url: 'http://proxy.corp.example:3128', username: 'alice', password: 'x' },
      auth: { type: 'none' },
      environments: {},
    });
    const backend = savingBackend({ get_datasource: () => stored });
    const { user } = await renderEditor('ds_1');
    await screen.findByDisplayValue('http://proxy.corp.example:3128');
    const saved = screen.getAllByTestId('secret-saved').filter((element) => element.dataset.field === 'proxy.password');
    expect(saved).toHaveLength(1);
    expect(document.body.textContent).not.toContain('proxy-pass');

    await user.clear(screen.getByLabelText('Proxy username'));
    await user.type(screen.getByLabelText('Proxy username'), 'bob');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(backend.argsOf('save_datasource')).toHaveLength(1));
    expect(savedConfig(backend).proxy).toEqual({
      url: 'http://proxy.corp.example:3128',
      username: 'bob',
      password: { set: true },
    });

    await user.selectOptions(screen.getByLabelText('Proxy server'), 'None');
    expect(screen.queryByLabelText('Proxy URL')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(backend.argsOf('save_datasource')).toHaveLength(2));
    expect(savedConfig(backend, 1).proxy).toBe('none');
  });

  test("the core's error on proxy.url goes under Proxy URL", async () => {
    mockBackend({
      save_datasource: () => {
        throw invalidInput('proxy.url: no port', [
          { field: 'proxy.url', message: 'the proxy URL has no port: enter the proxy as http://host:port' },
        ]);
      },
    });
    const { user } = await renderEditor();
    await user.type(screen.getByLabelText('Name'), 'Corp');
    await user.type(screen.getByLabelText('URL'), 'https://api.example.com');
    await user.selectOptions(screen.getByLabelText('Proxy server'), 'Custom');
    await user.type(screen.getByLabelText('Proxy URL'), 'http://proxy.corp.example');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    const error = await waitFor(() => {
      const shown = screen.queryAllByTestId('field-error').filter((element) => element.dataset.field === 'proxy.url');
      expect(shown).toHaveLength(1);
      return shown[0];
    });
    expect(error.textContent).toContain('has no port');
    expect(screen.getByLabelText('Proxy URL').closest('.field')?.contains(error)).toBe(true);
  });
});
