// Write-only secrets in the datasource editor: a stored secret shows as Saved with Replace and
// Remove and never a value; Replace gives an empty input; what save_datasource receives is
// `{ set: true }` for a secret left alone (keep), the string for a typed value, `null` for a
// removed one; and after saving, a typed secret is shown as Saved again, not kept in an input.
import { screen, waitFor } from '@testing-library/react';
import type { UserEvent } from '@testing-library/user-event';
import { describe, expect, test } from 'vitest';
import type { AuthConfig } from '../bindings/AuthConfig';
import type { Datasource } from '../bindings/Datasource';
import type { DatasourceConfig } from '../bindings/DatasourceConfig';
import { datasource, mockBackend, savedDatasource, type Backend } from '../test/backend';
import { defaultOAuth2 } from '../state/datasourceForm';
import { renderEditor } from '../test/editor';

/** A stored datasource with Basic authentication whose password is set, and a backend for it. */
function storedBasic(overrides: Partial<Datasource> = {}) {
  const stored = datasource({ auth: { type: 'basic', username: 'ada', password: { set: true } }, ...overrides });
  return mockBackend({
    get_datasource: () => stored,
    save_datasource: (args) => savedDatasource(stored.id, args.config as DatasourceConfig),
  });
}

function sentConfigs(backend: Backend): DatasourceConfig[] {
  return backend.argsOf('save_datasource').map((args) => args.config as DatasourceConfig);
}

async function saveAndWait(user: UserEvent, backend: Backend) {
  const before = sentConfigs(backend).length;
  await user.click(screen.getByRole('button', { name: 'Save' }));
  await waitFor(() => expect(sentConfigs(backend)).toHaveLength(before + 1));
  return sentConfigs(backend)[before];
}

/** Every text value held by an input or textarea on screen. */
function inputValues(container: HTMLElement): string[] {
  return [...container.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input, textarea')].map(
    (input) => input.value,
  );
}

describe('a stored secret', () => {
  test('shows as Saved with Replace and Remove, and no input', async () => {
    storedBasic();
    const { container } = await renderEditor('ds-1');

    const saved = screen.getByTestId('secret-saved');
    expect(saved.dataset.field).toBe('auth.password');
    expect(saved.textContent).toBe('Saved');
    // The Password label points at Replace: there is no input to type into.
    expect(screen.getByLabelText('Password')).toBe(screen.getByRole('button', { name: 'Replace Password' }));
    expect(screen.getByRole('button', { name: 'Remove' })).toBeTruthy();
    expect(container.querySelector('input[type="password"]')).toBeNull();
  });

  test('left alone, is sent as { set: true } so the core keeps it', async () => {
    const backend = storedBasic();
    const { user } = await renderEditor('ds-1');
    const config = await saveAndWait(user, backend);
    expect(config.auth).toEqual({ type: 'basic', username: 'ada', password: { set: true } });
  });

  test('Replace gives an empty input, and leaving it empty still keeps the stored secret', async () => {
    const backend = storedBasic();
    const { user } = await renderEditor('ds-1');
    await user.click(screen.getByRole('button', { name: 'Replace Password' }));

    const input = screen.getByLabelText<HTMLInputElement>('Password');
    expect(input.tagName).toBe('INPUT');
    expect(input.type).toBe('password');
    expect(input.value).toBe('');
    expect(screen.queryByTestId('secret-saved')).toBeNull();

    const config = await saveAndWait(user, backend);
    expect((config.auth as Extract<AuthConfig, { type: 'basic' }>).password).toEqual({ set: true });
  });

  test('a typed replacement is sent as the string', async () => {
    const backend = storedBasic();
    const { user } = await renderEditor('ds-1');
    await user.click(screen.getByRole('button', { name: 'Replace Password' }));
    await user.type(screen.getByLabelText('Password'), 'n3w-secret');

    const config = await saveAndWait(user, backend);
    expect((config.auth as Extract<AuthConfig, { type: 'basic' }>).password).toBe('n3w-secret');
  });

  test('typing a replacement then erasing it keeps the stored secret', async () => {
    const backend = storedBasic();
    const { user } = await renderEditor('ds-1');
    await user.click(screen.getByRole('button', { name: 'Replace Password' }));
    await user.type(screen.getByLabelText('Password'), 'oops');
    await user.clear(screen.getByLabelText('Password'));

    const config = await saveAndWait(user, backend);
    expect((config.auth as Extract<AuthConfig, { type: 'basic' }>).password).toEqual({ set: true });
  });

  test('Keep saved goes back to the Saved state', async () => {
    storedBasic();
    const { user } = await renderEditor('ds-1');
    await user.click(screen.getByRole('button', { name: 'Replace Password' }));
    await user.type(screen.getByLabelText('Password'), 'typo');
    await user.click(screen.getByRole('button', { name: 'Keep saved' }));

    expect(screen.getByTestId('secret-saved')).toBeTruthy();
    expect(screen.queryByTestId('unsaved')).toBeNull();
  });

  test('Remove is sent as null', async () => {
    const backend = storedBasic();
    const { user } = await renderEditor('ds-1');
    await user.click(screen.getByRole('button', { name: 'Remove' }));
    expect(screen.getByLabelText<HTMLInputElement>('Password').value).toBe('');

    const config = await saveAndWait(user, backend);
    expect((config.auth as Extract<AuthConfig, { type: 'basic' }>).password).toBeNull();
  });
});

describe('after saving', () => {
  test('a typed secret shows as Saved and is in no input', async () => {
    const backend = storedBasic();
    const { user, container } = await renderEditor('ds-1');
    await user.click(screen.getByRole('button', { name: 'Replace Password' }));
    await user.type(screen.getByLabelText('Password'), 'n3w-secret');
    await saveAndWait(user, backend);

    const saved = await screen.findByTestId('secret-saved');
    expect(saved.dataset.field).toBe('auth.password');
    expect(inputValues(container)).not.toContain('n3w-secret');
    expect(container.querySelector('input[type="password"]')).toBeNull();
  });

  test('Replace after saving starts from an empty input again', async () => {
    const backend = storedBasic();
    const { user } = await renderEditor('ds-1');
    await user.click(screen.getByRole('button', { name: 'Replace Password' }));
    await user.type(screen.getByLabelText('Password'), 'n3w-secret');
    await saveAndWait(user, backend);

    await user.click(await screen.findByRole('button', { name: 'Replace Password' }));
    expect(screen.getByLabelText<HTMLInputElement>('Password').value).toBe('');
  });

  test('a secret typed into a new datasource is sent as the string and then shows as Saved', async () => {
    const backend = mockBackend({
      save_datasource: (args) => savedDatasource('ds-new', args.config as DatasourceConfig),
    });
    const { user, container } = await renderEditor();
    await user.selectOptions(screen.getByLabelText('Authentication type'), 'Bearer Token');
    await user.type(screen.getByLabelText('Bearer token'), 'tok-123');

    const config = await saveAndWait(user, backend);
    expect(backend.argsOf('save_datasource')[0].id).toBeNull();
    expect(config.auth).toEqual({ type: 'bearer', token: 'tok-123' });
    expect((await screen.findByTestId('secret-saved')).dataset.field).toBe('auth.token');
    expect(inputValues(container)).not.toContain('tok-123');
  });

  test('a secret never typed is sent as null', async () => {
    const backend = mockBackend({
      save_datasource: (args) => savedDatasource('ds-new', args.config as DatasourceConfig),
    });
    const { user } = await renderEditor();
    await user.selectOptions(screen.getByLabelText('Authentication type'), 'Bearer Token');
    const config = await saveAndWait(user, backend);
    expect(config.auth).toEqual({ type: 'bearer', token: null });
  });
});

test('the OAuth 2.0 client secret and signature secret are kept the same way', async () => {
  const stored = datasource({
    sendSignatureHeader: true,
    signatureSecret: { set: true },
    auth: {
      type: 'oauth2',
      ...defaultOAuth2(),
      grantType: 'client_credentials',
      accessTokenUrl: 'https://auth.example.com/token',
      clientId: 'client',
      clientSecret: { set: true },
    },
  });
  const backend = mockBackend({
    get_datasource: () => stored,
    save_datasource: (args) => savedDatasource(stored.id, args.config as DatasourceConfig),
  });
  const { user } = await renderEditor('ds-1');
  expect(screen.getAllByTestId('secret-saved').map((element) => element.dataset.field)).toEqual([
    'signatureSecret',
    'auth.clientSecret',
  ]);

  const config = await saveAndWait(user, backend);
  expect(config.signatureSecret).toEqual({ set: true });
  expect((config.auth as Extract<AuthConfig, { type: 'oauth2' }>).clientSecret).toEqual({ set: true });
  expect((config.auth as Extract<AuthConfig, { type: 'oauth2' }>).password).toBeNull();
});
