// Starting from a provider: a preset fills a unique Name (a typed one stays), no field shows a
// grey example that looks like a value, and Discover endpoints says what it filled and brings
// the first filled field into view.
import { screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { DatasourceSummary } from '../bindings/DatasourceSummary';
import type { OAuth2Config } from '../bindings/OAuth2Config';
import type { Preset } from '../bindings/Preset';
import { defaultOAuth2 } from '../state/datasourceForm';
import { mockBackend } from '../test/backend';
import { renderEditor } from '../test/editor';

function preset(id: string, name: string, auth: Partial<OAuth2Config> = {}, needsIssuer = false): Preset {
  return {
    id,
    name,
    hint: `${name} console`,
    url: `https://api.${id}.example/`,
    auth: { ...defaultOAuth2(), ...auth },
    needsIssuer,
  };
}

const PRESETS = [
  preset('dropbox', 'Dropbox', {
    accessTokenUrl: 'https://api.dropboxapi.com/oauth2/token',
    authorizationUrl: 'https://www.dropbox.com/oauth2/authorize',
  }),
  preset('google', 'Google', {
    accessTokenUrl: 'https://oauth2.googleapis.com/token',
    authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
  }),
  preset('oidc', 'OpenID Connect issuer', { scopes: ['openid'] }, true),
];

function summary(name: string): DatasourceSummary {
  return {
    id: `ds_${name}`,
    name,
    url: 'https://x.example',
    authType: 'oauth2',
    createdAt: 0,
    updatedAt: 0,
    tokenStatus: 'not_authorized',
    tokenExpiresAt: null,
    tokenRefreshFailing: false,
  } as DatasourceSummary;
}

function backend(existing: string[], more: Parameters<typeof mockBackend>[0] = {}) {
  return mockBackend({ presets: () => PRESETS, list_datasources: () => existing.map(summary), ...more });
}

const nameInput = () => screen.getByLabelText('Name') as HTMLInputElement;

describe('a preset and the Name', () => {
  test('fills the provider name when no datasource has it', async () => {
    backend(['Example']);
    const { user } = await renderEditor();
    await user.click(await screen.findByTestId('preset-dropbox'));
    await waitFor(() => expect(nameInput().value).toBe('Dropbox'));
  });

  test('numbers it when the name is taken, whatever the case', async () => {
    backend(['Dropbox', 'dropbox 2']);
    const { user } = await renderEditor();
    await user.click(await screen.findByTestId('preset-dropbox'));
    await waitFor(() => expect(nameInput().value).toBe('Dropbox 3'));
  });

  test('another preset replaces the name the first filled, a typed name stays', async () => {
    backend([]);
    const { user } = await renderEditor();
    await user.click(await screen.findByTestId('preset-dropbox'));
    await waitFor(() => expect(nameInput().value).toBe('Dropbox'));
    await user.click(screen.getByTestId('preset-google'));
    await waitFor(() => expect(nameInput().value).toBe('Google'));

    await user.clear(nameInput());
    await user.type(nameInput(), 'My drive');
    await user.click(screen.getByTestId('preset-dropbox'));
    await waitFor(() =>
      expect(screen.getByLabelText('Access token URL')).toHaveProperty(
        'value',
        'https://api.dropboxapi.com/oauth2/token',
      ),
    );
    expect(nameInput().value).toBe('My drive');
  });

  test('no field of the editor shows a grey example that looks like a value', async () => {
    backend([]);
    const { user } = await renderEditor();
    await user.selectOptions(screen.getByLabelText('Authentication type'), 'OAuth 2.0');
    await user.click(screen.getByText('Advanced settings'));
    await user.click(screen.getByLabelText('Use self-signed certificate'));
    const withExamples = [...document.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input, textarea')]
      .filter((input) => !input.closest('.row') && input.placeholder !== '')
      .map((input) => `${input.id}: ${input.placeholder}`);
    expect(withExamples, 'examples go in hints').toEqual([]);
  });
});

describe('Discover endpoints', () => {
  const discovered = (auth: OAuth2Config): OAuth2Config => ({
    ...auth,
    accessTokenUrl: 'https://login.example.com/token',
    authorizationUrl: 'https://login.example.com/authorize',
  });
  let scrolled: Element[] = [];
  const original = Element.prototype.scrollIntoView;
  beforeEach(() => {
    scrolled = [];
    Element.prototype.scrollIntoView = function (this: Element) {
      scrolled.push(this);
    };
  });
  afterEach(() => {
    Element.prototype.scrollIntoView = original;
  });

  test('says what it filled and what the issuer does not name, and scrolls to the first filled field', async () => {
    backend([], { discover: (args) => discovered(args.auth as OAuth2Config) });
    const { user } = await renderEditor();
    await user.click(await screen.findByTestId('preset-oidc'));
    await user.type(screen.getByTestId('preset-issuer'), 'https://login.example.com');
    await user.click(screen.getByTestId('discover'));

    const status = await screen.findByTestId('discovered');
    expect(status.textContent).toBe(
      'Filled from the issuer: Access token URL and Authorization URL. The issuer names no Revocation URL (in Advanced settings).',
    );
    const tokenUrl = screen.getByLabelText('Access token URL');
    expect(tokenUrl).toHaveProperty('value', 'https://login.example.com/token');
    expect(scrolled, 'the first filled field is brought into view').toEqual([tokenUrl]);
    const hint = () => document.getElementById('ds-auth-accessTokenUrl-hint')?.textContent;
    expect(hint()).toBe("Filled from the issuer's metadata by Discover endpoints.");
    await user.type(tokenUrl, '2');
    expect(hint(), 'an edited field is no longer what discovery filled').not.toMatch(/Filled from the issuer/);
  });

  test("asks the core to discover through the datasource's proxy", async () => {
    const calls = backend([], { discover: (args) => args.auth });
    const { user } = await renderEditor();
    await user.click(await screen.findByTestId('preset-oidc'));
    await user.selectOptions(screen.getByLabelText('Proxy server'), 'Custom');
    await user.type(screen.getByLabelText('Proxy URL'), 'http://proxy.corp.example:3128');
    await user.type(screen.getByTestId('preset-issuer'), 'https://login.example.com');
    await user.click(screen.getByTestId('discover'));
    await screen.findByTestId('discovered');
    expect(calls.argsOf('discover')[0].proxy).toEqual({
      url: 'http://proxy.corp.example:3128',
      username: '',
      password: null,
    });
  });

  test('says so when there was nothing to fill', async () => {
    backend([], { discover: (args) => args.auth });
    const { user } = await renderEditor();
    await user.click(await screen.findByTestId('preset-oidc'));
    await user.type(screen.getByLabelText('Access token URL'), 'https://mine.example/token');
    await user.type(screen.getByLabelText('Authorization URL'), 'https://mine.example/authorize');
    await user.type(screen.getByTestId('preset-issuer'), 'https://login.example.com');
    await user.click(screen.getByTestId('discover'));
    expect((await screen.findByTestId('discovered')).textContent).toBe(
      'Nothing to fill: the endpoints were already set. The issuer names no Revocation URL (in Advanced settings).',
    );
    expect(scrolled).toEqual([]);
  });
});
