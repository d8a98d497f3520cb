// The variables editor: a saved secret shows "set" and is never read; keeping it sends
// `{ set: true }`, replacing sends the new value; field errors sit under their rows (blank rows
// left out of the numbering); the tokens a change dropped are listed.
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, test, vi } from 'vitest';
import type { EnvironmentConfig } from '../bindings/EnvironmentConfig';
import { environment, invalidInput, mockBackend } from '../test/backend';
import { VariablesEditor } from './VariablesEditor';

const STAGING = environment({
  id: 'env_staging',
  name: 'staging',
  variables: [
    { key: 'base', value: 'https://staging.example.com', secret: false },
    { key: 'apiKey', value: { set: true }, secret: true },
  ],
});

function renderEditor(save: (config: EnvironmentConfig) => unknown) {
  const backend = mockBackend({
    get_environment: () => STAGING,
    save_environment: (args) => save(args.config as EnvironmentConfig),
  });
  const onClose = vi.fn();
  const onSaved = vi.fn();
  render(<VariablesEditor environmentId="env_staging" onSaved={onSaved} onClose={onClose} />);
  return { backend, onClose, onSaved, user: userEvent.setup() };
}

const saved = (config: EnvironmentConfig, tokensDropped: string[] = [], secretsRouted: string[] = []) => ({
  environment: { ...STAGING, ...config },
  tokensDropped,
  secretsRouted,
});

describe('VariablesEditor', () => {
  test('a saved secret shows set, and saving keeps it without ever holding it', async () => {
    const { backend, onClose, onSaved, user } = renderEditor((config) => saved(config));
    const rows = await screen.findAllByTestId('variable-row');
    expect(within(rows[0]).getByTestId<HTMLInputElement>('variable-value').value).toBe('https://staging.example.com');
    expect(within(rows[1]).getByTestId('variable-set').textContent).toBe('set');
    expect(within(rows[1]).queryByTestId('variable-value'), 'no input holds the secret').toBeNull();

    await user.click(within(rows[0]).getByTestId('variable-value'));
    await user.keyboard('{End}/v2');
    await user.click(screen.getByTestId('save-variables'));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(backend.argsOf('save_environment')[0]).toEqual({
      id: 'env_staging',
      config: {
        name: 'staging',
        production: false,
        variables: [
          { key: 'base', value: 'https://staging.example.com/v2', secret: false },
          { key: 'apiKey', value: { set: true }, secret: true },
        ],
      },
    });
    expect(onSaved).toHaveBeenCalled();
  });

  test('Replace sends the new secret; a new secret row and the production marker are sent', async () => {
    const { backend, user } = renderEditor((config) => saved(config));
    const rows = await screen.findAllByTestId('variable-row');
    await user.click(within(rows[1]).getByRole('button', { name: /Replace the value of apiKey/ }));
    await user.type(within(rows[1]).getByTestId('variable-value'), 'n3w-k3y');
    expect(within(rows[1]).getByTestId('variable-value')).toHaveProperty('type', 'password');
    await user.click(screen.getByTestId('add-variable'));
    const added = screen.getAllByTestId('variable-row')[2];
    await user.type(within(added).getByTestId('variable-key'), 'token');
    await user.click(within(added).getByTestId('variable-secret'));
    await user.type(within(added).getByTestId('variable-value'), 't0k');
    await user.click(screen.getByTestId('environment-production'));
    await user.click(screen.getByTestId('save-variables'));
    await waitFor(() => expect(backend.argsOf('save_environment')).toHaveLength(1));
    const config = backend.argsOf('save_environment')[0].config as EnvironmentConfig;
    expect(config.production).toBe(true);
    expect(config.variables.slice(1)).toEqual([
      { key: 'apiKey', value: 'n3w-k3y', secret: true },
      { key: 'token', value: 't0k', secret: true },
    ]);
  });

  test('field errors show under their rows, counted without the blank rows', async () => {
    const { user } = renderEditor(() => {
      throw invalidInput('bad', [
        { field: 'variables[2].key', message: '`1x` cannot be a variable name: start with a letter' },
        { field: 'variables', message: 'datasource `Orders` keeps a client secret for its token URL' },
      ]);
    });
    await screen.findAllByTestId('variable-row');
    await user.click(screen.getByTestId('add-variable'));
    await user.click(screen.getByTestId('add-variable'));
    const rows = screen.getAllByTestId('variable-row');
    await user.type(within(rows[3]).getByTestId('variable-key'), '1x');
    await user.click(screen.getByTestId('save-variables'));
    const under = await within(rows[3]).findByRole('alert');
    expect(under.textContent).toContain('cannot be a variable name');
    expect(within(rows[2]).queryByRole('alert'), 'the blank row has no error').toBeNull();
    expect(screen.getByTestId('variables-error').textContent).toContain('keeps a client secret');
  });

  test('the tokens a change dropped are listed after saving', async () => {
    const { onClose, user } = renderEditor((config) =>
      saved(config, ['Orders API: the token URL moved to https://other.example.com']),
    );
    await screen.findAllByTestId('variable-row');
    await user.click(screen.getByTestId('save-variables'));
    expect((await screen.findByTestId('tokens-dropped')).textContent).toContain('Orders API: the token URL moved');
    expect(onClose).not.toHaveBeenCalled();
    await user.click(screen.getByTestId('variables-close'));
    expect(onClose).toHaveBeenCalled();
  });

  test('where stored secrets now go is said after saving', async () => {
    const line = 'Orders API: its stored auth.clientSecret will be sent to https://staging.example.com in staging';
    const { onClose, user } = renderEditor((config) => saved(config, [], [line]));
    await screen.findAllByTestId('variable-row');
    await user.click(screen.getByTestId('save-variables'));
    expect((await screen.findByTestId('secrets-routed')).textContent).toContain(line);
    expect(screen.queryByTestId('tokens-dropped')).toBeNull();
    expect(onClose).not.toHaveBeenCalled();
  });
});
