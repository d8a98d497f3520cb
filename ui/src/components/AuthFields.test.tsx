// Which fields the datasource editor shows for each authentication type and, for OAuth 2.0,
// for each grant: exactly that grant's fields. Also the read-only Redirect URL with its Copy
// button, and the Advanced settings of the authorization code grant.
import { screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, test } from 'vitest';
import { mockBackend } from '../test/backend';
import { renderEditor } from '../test/editor';

/** Every control label that belongs to some authentication type (in the OAuth 2.0 form's order). */
const AUTH_LABELS = [
  'Grant type',
  'Add access token to',
  'Header prefix',
  'Access token URL',
  'Client ID',
  'Client secret',
  'Username',
  'Password',
  'Key',
  'Value',
  'Add to',
  'Bearer token',
  'Scopes',
  'Authorization URL',
  'Device authorization URL',
  'Redirect URL',
  'Custom authentication parameters',
  'Client authentication',
  'Audience',
  'Resource',
  'Authorization expires in (seconds)',
  'Send scope with refresh token',
  'Send client credentials with (on refresh token)',
  'Use PKCE',
  'Redirect',
  'Loopback port',
  'Issuer',
  'Revocation URL',
];

/** The authentication fields on screen, by label (a row list by its legend). */
function shownAuthFields(): string[] {
  return AUTH_LABELS.filter(
    (label) =>
      screen.queryAllByLabelText(label).length > 0 || screen.queryAllByRole('group', { name: label }).length > 0,
  );
}

const OAUTH_COMMON_TOP = [
  'Grant type',
  'Add access token to',
  'Header prefix',
  'Access token URL',
  'Client ID',
  'Client secret',
];
const OAUTH_COMMON_BOTTOM = ['Client authentication', 'Audience', 'Resource'];

beforeEach(() => {
  mockBackend();
});

describe('authentication types', () => {
  test('None shows no authentication fields', async () => {
    await renderEditor();
    expect(screen.getByLabelText<HTMLSelectElement>('Authentication type').value).toBe('none');
    expect(shownAuthFields()).toEqual([]);
  });

  test('Basic shows Username and Password', async () => {
    const { user } = await renderEditor();
    await user.selectOptions(screen.getByLabelText('Authentication type'), 'Basic');
    expect(shownAuthFields()).toEqual(['Username', 'Password']);
  });

  test('API Key shows Key, Value, Add to and Header prefix', async () => {
    const { user } = await renderEditor();
    await user.selectOptions(screen.getByLabelText('Authentication type'), 'API Key');
    expect(shownAuthFields()).toEqual(['Header prefix', 'Key', 'Value', 'Add to']);
  });

  test('API Key in the query string has no Header prefix', async () => {
    const { user } = await renderEditor();
    await user.selectOptions(screen.getByLabelText('Authentication type'), 'API Key');
    await user.selectOptions(screen.getByLabelText('Add to'), 'Query parameter');
    expect(shownAuthFields()).toEqual(['Key', 'Value', 'Add to']);
  });

  test('Bearer Token shows the token only', async () => {
    const { user } = await renderEditor();
    await user.selectOptions(screen.getByLabelText('Authentication type'), 'Bearer Token');
    expect(shownAuthFields()).toEqual(['Bearer token']);
  });

  test('switching back to None hides the fields again', async () => {
    const { user } = await renderEditor();
    await user.selectOptions(screen.getByLabelText('Authentication type'), 'Basic');
    await user.selectOptions(screen.getByLabelText('Authentication type'), 'None');
    expect(shownAuthFields()).toEqual([]);
  });
});

describe('OAuth 2.0 grants', () => {
  async function renderOAuth(grant: string) {
    const rendered = await renderEditor();
    await rendered.user.selectOptions(screen.getByLabelText('Authentication type'), 'OAuth 2.0');
    await rendered.user.selectOptions(screen.getByLabelText('Grant type'), grant);
    return rendered;
  }

  test('Authorization Code shows the browser fields and Save and Authorize', async () => {
    await renderOAuth('Authorization Code');
    expect(shownAuthFields()).toEqual([
      ...OAUTH_COMMON_TOP,
      'Scopes',
      'Authorization URL',
      'Redirect URL',
      'Custom authentication parameters',
      ...OAUTH_COMMON_BOTTOM,
      'Authorization expires in (seconds)',
      'Send scope with refresh token',
      'Send client credentials with (on refresh token)',
    ]);
    expect(screen.getByRole('button', { name: 'Save and Authorize' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Save and Test' })).toBeNull();
  });

  test('Client Credentials shows none of the browser or resource owner fields, and Save and Test', async () => {
    await renderOAuth('Client Credentials');
    expect(shownAuthFields()).toEqual([...OAUTH_COMMON_TOP, 'Scopes', ...OAUTH_COMMON_BOTTOM]);
    expect(screen.getByRole('button', { name: 'Save and Test' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Save and Authorize' })).toBeNull();
  });

  test('Device Code shows the Device authorization URL, none of the redirect fields, and Save and Authorize', async () => {
    await renderOAuth('Device Code');
    expect(shownAuthFields()).toEqual([
      ...OAUTH_COMMON_TOP,
      'Scopes',
      'Device authorization URL',
      ...OAUTH_COMMON_BOTTOM,
      'Authorization expires in (seconds)',
      'Send scope with refresh token',
      'Send client credentials with (on refresh token)',
    ]);
    expect(screen.getByRole('button', { name: 'Save and Authorize' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Save and Test' })).toBeNull();
  });

  test('Password shows Username and Password and none of the browser fields', async () => {
    await renderOAuth('Password');
    expect(shownAuthFields()).toEqual([...OAUTH_COMMON_TOP, 'Username', 'Password', 'Scopes', ...OAUTH_COMMON_BOTTOM]);
    expect(screen.getByRole('button', { name: 'Save and Test' })).toBeTruthy();
  });

  test('Advanced settings of Authorization Code: PKCE, redirect, loopback port, issuer, revocation', async () => {
    const { user } = await renderOAuth('Authorization Code');
    expect(screen.queryByLabelText('Use PKCE')).toBeNull();
    await user.click(screen.getByText('Advanced settings'));
    expect(shownAuthFields()).toEqual(
      expect.arrayContaining(['Use PKCE', 'Redirect', 'Loopback port', 'Issuer', 'Revocation URL']),
    );
    expect(screen.getByLabelText<HTMLInputElement>('Use PKCE').checked).toBe(true);
  });

  test('Advanced settings of Client Credentials: issuer and revocation only', async () => {
    const { user } = await renderOAuth('Client Credentials');
    await user.click(screen.getByText('Advanced settings'));
    const advanced = shownAuthFields().filter((label) =>
      ['Use PKCE', 'Redirect', 'Loopback port', 'Issuer', 'Revocation URL'].includes(label),
    );
    expect(advanced).toEqual(['Issuer', 'Revocation URL']);
  });
});

describe('Redirect URL', () => {
  async function renderAuthorizationCode() {
    const rendered = await renderEditor();
    await rendered.user.selectOptions(screen.getByLabelText('Authentication type'), 'OAuth 2.0');
    return rendered;
  }

  test('is read-only and shows the loopback URL of the default port', async () => {
    const { user } = await renderAuthorizationCode();
    const field = screen.getByLabelText<HTMLInputElement>('Redirect URL');
    expect(field.readOnly).toBe(true);
    expect(field.value).toBe('http://127.0.0.1:8976/callback');
    await user.type(field, 'x');
    expect(field.value).toBe('http://127.0.0.1:8976/callback');
  });

  test('Copy puts the Redirect URL on the clipboard', async () => {
    const { user } = await renderAuthorizationCode();
    const row = screen.getByLabelText('Redirect URL').parentElement as HTMLElement;
    await user.click(within(row).getByRole('button', { name: 'Copy' }));
    expect(await navigator.clipboard.readText()).toBe('http://127.0.0.1:8976/callback');
    expect(within(row).getByRole('button', { name: 'Copied' })).toBeTruthy();
  });

  test('follows the loopback port, and copies the bare URL for any free port', async () => {
    const { user } = await renderAuthorizationCode();
    await user.click(screen.getByText('Advanced settings'));
    const port = screen.getByLabelText('Loopback port');
    await user.clear(port);
    await user.type(port, '0');
    expect(screen.getByLabelText<HTMLInputElement>('Redirect URL').value).toBe(
      'http://127.0.0.1/callback (any free port)',
    );
    await user.click(screen.getByRole('button', { name: 'Copy' }));
    expect(await navigator.clipboard.readText()).toBe('http://127.0.0.1/callback');
  });

  test('a deep link redirect shows the app URL and hides the loopback port', async () => {
    const { user } = await renderAuthorizationCode();
    await user.click(screen.getByText('Advanced settings'));
    await user.selectOptions(screen.getByLabelText('Redirect'), 'deep_link');
    await waitFor(() =>
      expect(screen.getByLabelText<HTMLInputElement>('Redirect URL').value).toBe('latchkey://oauth/callback'),
    );
    expect(screen.queryByLabelText('Loopback port')).toBeNull();
  });
});
