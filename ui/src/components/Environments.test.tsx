// Environments in the window: the switcher lists them and picks one (kept for the next start,
// the list's badges asked for in it), falls back to `default` when the kept one is gone, creates
// one and opens its variables, deletes after asking; a production one puts a bar across the top.
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, test } from 'vitest';
import { App } from '../App';
import type { DatasourceSummary } from '../bindings/DatasourceSummary';
import type { EnvironmentSummary } from '../bindings/EnvironmentSummary';
import { setActiveEnvironmentId } from '../state/environment';
import { DEFAULT_ENV, environment, mockBackend } from '../test/backend';

const STAGING: EnvironmentSummary = { id: 'env_staging', name: 'staging', production: false, variables: 1 };
const PROD: EnvironmentSummary = { id: 'env_prod', name: 'prod', production: true, variables: 0 };

function summary(status: DatasourceSummary['tokenStatus']): DatasourceSummary {
  return {
    id: 'ds_1',
    name: 'Orders API',
    url: 'https://orders.example.com',
    authType: 'oauth2',
    createdAt: 0,
    updatedAt: 0,
    tokenStatus: status,
    tokenExpiresAt: null,
    tokenRefreshFailing: false,
  };
}

/** The badges differ per environment: authorized in staging only. */
const listIn = (args: Record<string, unknown>) => [
  summary(args.environmentId === 'env_staging' ? 'authorized' : 'not_authorized'),
];

beforeEach(() => {
  localStorage.clear();
  setActiveEnvironmentId('env_default');
});

describe('the environment switcher', () => {
  test('picking staging lists the badges of staging and is kept for the next start', async () => {
    const backend = mockBackend({ list_environments: () => [DEFAULT_ENV, STAGING], list_datasources: listIn });
    const user = userEvent.setup();
    render(<App />);
    expect(await screen.findByText('Not authorized')).toBeTruthy();
    expect(screen.getByTestId('active-environment').textContent).toBe('default');

    await user.click(screen.getByTestId('environment-switcher'));
    const menu = screen.getByRole('menu', { name: 'Environments' });
    expect(
      within(menu)
        .getAllByRole('menuitemradio')
        .map((item) => item.dataset.name),
    ).toEqual(['default', 'staging']);
    await user.click(within(menu).getByText('staging'));

    expect(screen.getByTestId('active-environment').textContent).toBe('staging');
    await waitFor(() => expect(screen.getByText(/^Authorized/)).toBeTruthy());
    expect(backend.argsOf('list_datasources').at(-1)).toEqual({ environmentId: 'env_staging' });
    expect(localStorage.getItem('latchkey.activeEnvironment')).toBe('env_staging');
  });

  test('a kept environment that is gone falls back to default, else the first', async () => {
    setActiveEnvironmentId('env_deleted');
    const backend = mockBackend({ list_environments: () => [STAGING, DEFAULT_ENV], list_datasources: listIn });
    render(<App />);
    await waitFor(() => expect(screen.getByTestId('active-environment').textContent).toBe('default'));
    await waitFor(() => expect(backend.argsOf('list_datasources').at(-1)).toEqual({ environmentId: 'env_default' }));

    localStorage.clear();
    setActiveEnvironmentId('env_deleted');
    mockBackend({ list_environments: () => [STAGING], list_datasources: listIn });
    render(<App />);
    await waitFor(() => expect(screen.getAllByTestId('active-environment').at(-1)?.textContent).toBe('staging'));
  });

  test('New environment… creates it, makes it active and opens its variables', async () => {
    let listed = [DEFAULT_ENV];
    const backend = mockBackend({
      list_environments: () => listed,
      list_datasources: () => [],
      create_environment: (args) => {
        listed = [DEFAULT_ENV, { ...STAGING, variables: 0 }];
        return environment({ id: 'env_staging', name: args.name as string });
      },
      get_environment: () => environment({ id: 'env_staging', name: 'staging' }),
    });
    const user = userEvent.setup();
    render(<App />);
    await user.click(await screen.findByTestId('environment-switcher'));
    await user.click(screen.getByTestId('new-environment'));
    await user.type(screen.getByTestId('new-environment-name'), 'staging');
    await user.click(screen.getByTestId('create-environment'));

    expect(backend.argsOf('create_environment')).toEqual([{ name: 'staging', production: false }]);
    expect(await screen.findByTestId('variables-editor')).toBeTruthy();
    expect(screen.getByTestId('active-environment').textContent).toBe('staging');
  });

  test('a taken name is said in the dialog', async () => {
    mockBackend({
      list_datasources: () => [],
      create_environment: () => {
        throw {
          code: 'invalid_input',
          message: 'x',
          field: 'name',
          fields: [{ field: 'name', message: 'an environment named `default` exists: choose another name' }],
          provider: null,
        };
      },
    });
    const user = userEvent.setup();
    render(<App />);
    await user.click(await screen.findByTestId('environment-switcher'));
    await user.click(screen.getByTestId('new-environment'));
    await user.type(screen.getByTestId('new-environment-name'), 'default');
    await user.click(screen.getByTestId('create-environment'));
    expect((await screen.findByRole('alert')).textContent).toContain('choose another name');
    expect(screen.getByTestId('new-environment-dialog')).toBeTruthy();
  });

  test('Delete asks first; the only environment cannot be deleted', async () => {
    setActiveEnvironmentId('env_staging');
    let listed = [DEFAULT_ENV, STAGING];
    const backend = mockBackend({
      list_environments: () => listed,
      list_datasources: listIn,
      delete_environment: () => {
        listed = [DEFAULT_ENV];
      },
    });
    const user = userEvent.setup();
    render(<App />);
    await waitFor(() => expect(screen.getByTestId('active-environment').textContent).toBe('staging'));
    await user.click(screen.getByTestId('environment-switcher'));
    await user.click(screen.getByTestId('delete-environment'));
    const dialog = screen.getByRole('alertdialog');
    expect(dialog.textContent).toContain('Delete environment “staging”?');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(backend.argsOf('delete_environment')).toEqual([]);

    await user.click(screen.getByTestId('environment-switcher'));
    await user.click(screen.getByTestId('delete-environment'));
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Delete environment' }));
    await waitFor(() => expect(screen.getByTestId('active-environment').textContent).toBe('default'));
    expect(backend.argsOf('delete_environment')).toEqual([{ id: 'env_staging' }]);

    await user.click(screen.getByTestId('environment-switcher'));
    expect(screen.getByTestId('delete-environment')).toHaveProperty('disabled', true);
  });

  test('a production environment puts its name in a bar across the window; others have none', async () => {
    mockBackend({ list_environments: () => [DEFAULT_ENV, PROD], list_datasources: () => [] });
    const user = userEvent.setup();
    render(<App />);
    await screen.findByTestId('environment-switcher');
    expect(screen.queryByTestId('production-bar')).toBeNull();
    await user.click(screen.getByTestId('environment-switcher'));
    await user.click(within(screen.getByRole('menu')).getByText('prod'));
    expect(screen.getByTestId('production-bar').textContent).toContain('prod is a production environment');
  });
});
