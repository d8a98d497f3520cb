// Per-environment overrides in the datasource editor: the fields show what the active
// environment uses, a marker sits on each field it overrides (Reset to base) and "Override for
// <env>" on the others, Save sends only what differs per environment and keeps the other
// environments' overrides, secrets stay write-only, an environment's field errors go under its
// fields while it is active, and a vault with one environment shows no override controls.
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, test, vi } from 'vitest';
import type { Datasource } from '../bindings/Datasource';
import type { DatasourceConfig } from '../bindings/DatasourceConfig';
import type { EnvironmentSummary } from '../bindings/EnvironmentSummary';
import { defaultOAuth2 } from '../state/datasourceForm';
import { datasource, invalidInput, mockBackend, savedDatasource, type Backend } from '../test/backend';
import { DatasourceEditor, type DatasourceEditorProps } from './DatasourceEditor';

const DEFAULT: EnvironmentSummary = { id: 'env_default', name: 'default', production: false, variables: 0 };
const STAGING: EnvironmentSummary = { id: 'env_staging', name: 'staging', production: false, variables: 1 };
const BOTH = [DEFAULT, STAGING];

/** A stored datasource (no overrides unless given). */
function stored(patch: Partial<Datasource> = {}): Datasource {
  return { ...datasource(), environments: {}, ...patch };
}

/** The backend answering get_datasource with `loaded` and recording saves. */
function backendWith(loaded: Datasource, handlers: Record<string, (args: Record<string, unknown>) => unknown> = {}) {
  return mockBackend({
    get_datasource: () => loaded,
    save_datasource: (args) => savedDatasource('ds-1', args.config as DatasourceConfig),
    ...handlers,
  });
}

async function renderIn(environment: EnvironmentSummary | null, environments: EnvironmentSummary[] = BOTH) {
  const user = userEvent.setup();
  const props: DatasourceEditorProps = {
    datasourceId: 'ds-1',
    summary: null,
    now: 1_700_000_000_000,
    active: true,
    onSaved: vi.fn(),
    onChanged: vi.fn(),
    onDirtyChange: vi.fn(),
    onDeleted: vi.fn(),
    environment,
    environments,
  };
  const view = render(<DatasourceEditor {...props} />);
  await screen.findByLabelText('Name');
  return { user, props, ...view };
}

/** The config of the last save. */
async function savedConfig(backend: Backend): Promise<DatasourceConfig> {
  await waitFor(() => expect(backend.argsOf('save_datasource').length).toBeGreaterThan(0));
  const all = backend.argsOf('save_datasource');
  return all[all.length - 1].config as DatasourceConfig;
}

/** The paths of the fields the active environment's badge marks. */
function markedFields(): string[] {
  return screen.queryAllByTestId('override-marker').map((marker) => marker.dataset.field ?? '');
}

describe('overrides for the active environment', () => {
  test('overriding the URL for staging and saving sends the override only, the base unchanged', async () => {
    const backend = backendWith(stored());
    const { user } = await renderIn(STAGING);
    expect(markedFields(), 'nothing is overridden yet').toEqual([]);

    await user.click(screen.getByRole('button', { name: 'Override URL for staging' }));
    expect(markedFields()).toEqual(['url']);
    const url = screen.getByLabelText('URL') as HTMLInputElement;
    expect(url.value, 'the override starts from the base value').toBe('https://api.example.com/v1');
    await user.clear(url);
    await user.type(url, 'https://staging.example.com/v1');
    await user.click(screen.getByRole('button', { name: 'Save' }));

    const config = await savedConfig(backend);
    expect(config.url, 'the base URL is untouched').toBe('https://api.example.com/v1');
    expect(config.environments).toEqual({ staging: { url: 'https://staging.example.com/v1' } });
  });

  test('an edit of a field staging does not override changes the base', async () => {
    const backend = backendWith(stored({ environments: { staging: { url: 'https://staging.example.com' } } }));
    const { user } = await renderIn(STAGING);
    await user.click(screen.getByRole('button', { name: '+ Add header' }));
    await user.type(screen.getByLabelText('Headers 1 key'), 'X-Team');
    await user.click(screen.getByRole('button', { name: 'Save' }));

    const config = await savedConfig(backend);
    expect(config.headers).toEqual([{ key: 'X-Team', value: '' }]);
    expect(config.environments).toEqual({ staging: { url: 'https://staging.example.com' } });
  });

  test('the markers sit on the overridden fields only; Reset to base removes the override', async () => {
    const backend = backendWith(
      stored({
        environments: {
          staging: { url: 'https://staging.example.com/v1', headers: [{ key: 'X-Env', value: 'staging' }] },
        },
      }),
    );
    const { user } = await renderIn(STAGING);
    expect(markedFields().sort()).toEqual(['headers', 'url']);
    expect((screen.getByLabelText('URL') as HTMLInputElement).value, 'the effective value').toBe(
      'https://staging.example.com/v1',
    );
    expect((screen.getByLabelText('Headers 1 key') as HTMLInputElement).value).toBe('X-Env');
    expect(screen.getByRole('button', { name: 'Override Query parameters for staging' })).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Reset URL to base' }));
    expect((screen.getByLabelText('URL') as HTMLInputElement).value).toBe('https://api.example.com/v1');
    expect(markedFields()).toEqual(['headers']);
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect((await savedConfig(backend)).environments).toEqual({
      staging: { headers: [{ key: 'X-Env', value: 'staging' }] },
    });

    await user.click(screen.getByRole('button', { name: 'Reset Headers to base' }));
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(backend.argsOf('save_datasource')).toHaveLength(2));
    expect((await savedConfig(backend)).environments, 'an environment with nothing left is not sent').toEqual({});
  });

  test("another environment's overrides survive a save, secrets included", async () => {
    const production = { url: 'https://api.example.com/prod', auth: { clientSecret: { set: true } } };
    const backend = backendWith(
      stored({
        auth: {
          type: 'oauth2',
          ...defaultOAuth2(),
          grantType: 'client_credentials',
          accessTokenUrl: 'https://id.example.com/token',
          clientId: 'base-client',
          clientSecret: { set: true },
        },
        environments: { production },
      }),
    );
    const { user } = await renderIn(STAGING, [...BOTH, { ...STAGING, id: 'env_prod', name: 'production' }]);
    await user.click(screen.getByRole('button', { name: 'Override Client ID for staging' }));
    const clientId = screen.getByLabelText('Client ID');
    await user.clear(clientId);
    await user.type(clientId, 'staging-client');
    await user.type(screen.getByLabelText('Name'), ' 2');
    await user.click(screen.getByRole('button', { name: 'Save' }));

    const config = await savedConfig(backend);
    expect(config.name).toBe('Example 2');
    expect(config.environments).toEqual({ production, staging: { auth: { clientId: 'staging-client' } } });
    if (config.auth.type !== 'oauth2') throw new Error('not oauth2');
    expect(config.auth.clientId).toBe('base-client');
  });

  test('an overridden secret is write-only: Saved for the environment, a new value goes to its override', async () => {
    const backend = backendWith(
      stored({
        auth: { type: 'bearer', token: { set: true } },
        environments: { staging: { auth: { token: { set: true } } } },
      }),
    );
    const { user } = await renderIn(STAGING);
    expect(markedFields()).toEqual(['auth.token']);
    const field = screen.getByTestId('secret-saved').closest('.field') as HTMLElement;
    expect(within(field).getByTestId('override-marker').textContent).toBe('staging');
    expect(screen.queryByTestId('field-token'), 'no input holds a value').toBeNull();

    await user.click(screen.getByRole('button', { name: 'Replace Bearer token' }));
    await user.type(screen.getByTestId('field-token'), 'staging-token');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    const config = await savedConfig(backend);
    expect(config.auth).toEqual({ type: 'bearer', token: { set: true } });
    expect(config.environments).toEqual({ staging: { auth: { token: 'staging-token' } } });
  });

  test("overriding a saved secret starts empty: the base's stored value is not the environment's", async () => {
    const backend = backendWith(stored({ auth: { type: 'basic', username: 'ada', password: { set: true } } }));
    const { user } = await renderIn(STAGING);
    await user.click(screen.getByRole('button', { name: 'Override Password for staging' }));
    const input = screen.getByTestId('field-password') as HTMLInputElement;
    expect(input.value).toBe('');
    expect(input.placeholder).toBe('Enter the value for staging');
    await user.type(input, 'staging-pass');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    const config = await savedConfig(backend);
    expect(config.auth).toEqual({ type: 'basic', username: 'ada', password: { set: true } });
    expect(config.environments).toEqual({ staging: { auth: { password: 'staging-pass' } } });
  });

  test('an error on environments.staging.url goes under the URL in staging, and is listed in another environment', async () => {
    const backend = backendWith(stored({ environments: { staging: { url: 'staging.example.com' } } }), {
      save_datasource: () => {
        throw invalidInput('1 problem', [
          { field: 'environments.staging.url', message: 'in staging: not an absolute URL: enter the base URL' },
        ]);
      },
    });
    const { user, rerender, props } = await renderIn(STAGING);
    await user.click(screen.getByRole('button', { name: 'Save' }));
    const error = await screen.findByTestId('field-error');
    expect(error.dataset.field).toBe('url');
    expect(error.textContent).toBe('in staging: not an absolute URL: enter the base URL');
    expect((screen.getByLabelText('URL') as HTMLElement).closest('.field')?.contains(error)).toBe(true);
    expect(screen.getByLabelText('URL').getAttribute('aria-invalid')).toBe('true');
    expect(backend.argsOf('save_datasource')).toHaveLength(1);

    rerender(<DatasourceEditor {...props} environment={DEFAULT} />);
    expect(screen.queryAllByTestId('field-error'), 'not under the base URL').toHaveLength(0);
    const banner = screen.getByTestId('form-error');
    expect(banner.textContent).toContain('URL in staging: not an absolute URL: enter the base URL');

    rerender(<DatasourceEditor {...props} environment={STAGING} />);
    expect(screen.getByTestId('field-error').dataset.field).toBe('url');
    await user.type(screen.getByLabelText('URL'), '/v1');
    expect(screen.queryAllByTestId('field-error'), 'fixed in staging: the error goes').toHaveLength(0);
    expect(screen.queryByTestId('form-error')).toBeNull();
  });

  test("staging with an authentication of its own: every auth field is staging's, sent whole", async () => {
    const backend = backendWith(stored({ auth: { type: 'basic', username: 'ada', password: { set: true } } }));
    const { user } = await renderIn(STAGING);
    await user.click(screen.getByRole('button', { name: 'Override Authentication type for staging' }));
    await user.selectOptions(screen.getByLabelText('Authentication type'), 'Bearer Token');
    expect(markedFields().sort()).toEqual(['auth.token', 'auth.type']);
    expect(screen.getAllByRole('button', { name: /Reset .* to base/ }), 'one reset, for the whole auth').toHaveLength(
      1,
    );
    await user.type(screen.getByTestId('field-token'), 'staging-token');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    const config = await savedConfig(backend);
    expect(config.auth).toEqual({ type: 'basic', username: 'ada', password: { set: true } });
    expect(config.environments).toEqual({ staging: { auth: { type: 'bearer', token: 'staging-token' } } });
  });

  test('a vault with one environment shows no override controls', async () => {
    backendWith(stored({ auth: { type: 'basic', username: 'ada', password: { set: true } } }));
    await renderIn(DEFAULT, [DEFAULT]);
    expect(screen.queryAllByTestId('override-control')).toEqual([]);
    expect(screen.queryByText(/Override for/)).toBeNull();
    expect(screen.queryByText('Reset to base')).toBeNull();
  });

  test('with no environment given there are no override controls either', async () => {
    backendWith(stored());
    await renderIn(null, []);
    expect(screen.queryAllByTestId('override-control')).toEqual([]);
  });

  test('the default environment of a vault with two gets the controls too', async () => {
    const backend = backendWith(stored({ environments: { staging: { url: 'https://staging.example.com' } } }));
    const { user } = await renderIn(DEFAULT);
    expect(markedFields(), "staging's override is not default's").toEqual([]);
    expect((screen.getByLabelText('URL') as HTMLInputElement).value).toBe('https://api.example.com/v1');
    await user.click(screen.getByRole('button', { name: 'Override Send signature header for default' }));
    await user.click(screen.getByLabelText('Send signature header'));
    await user.type(screen.getByLabelText('Signature secret'), 'sig');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    const config = await savedConfig(backend);
    expect(config.sendSignatureHeader).toBe(false);
    expect(config.signatureSecret, 'the base secret default signs with').toBe('sig');
    expect(config.environments).toEqual({
      staging: { url: 'https://staging.example.com' },
      default: { sendSignatureHeader: true },
    });
  });
});
