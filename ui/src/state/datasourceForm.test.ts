// The datasource editor's state without React: which fields belong to which authentication
// type and grant, what Save sends for write-only secrets, the number fields checked before
// saving, and mapping the core's row paths back to the rows on screen.
import { describe, expect, test } from 'vitest';
import {
  DEFAULT_LOOPBACK_PORT,
  defaultOAuth2,
  editForm,
  effectiveForm,
  emptyForm,
  fieldValue,
  formFromDatasource,
  formToConfig,
  isFieldShown,
  isOverridden,
  overrideField,
  resetField,
  normalizeSecret,
  oauthFieldsShown,
  parseScopes,
  uniqueName,
  type DatasourceForm,
} from './datasourceForm';
import { remapFieldErrors } from './rows';
import { datasource } from '../test/backend';

function oauthForm(patch: Partial<DatasourceForm['oauth2']> = {}, texts: Partial<DatasourceForm> = {}): DatasourceForm {
  const form = emptyForm();
  return { ...form, authType: 'oauth2', oauth2: { ...form.oauth2, ...patch }, ...texts };
}

describe('oauthFieldsShown', () => {
  test('only the authorization code grant has the browser fields', () => {
    const browserFields = ['authorizationUrl', 'customAuthParams', 'redirect', 'loopbackPort', 'pkce'] as const;
    for (const field of browserFields) {
      expect(oauthFieldsShown('authorization_code').has(field)).toBe(true);
      expect(oauthFieldsShown('client_credentials').has(field)).toBe(false);
      expect(oauthFieldsShown('password').has(field)).toBe(false);
      expect(oauthFieldsShown('device_code').has(field), 'RFC 8628 has no redirect').toBe(false);
    }
    expect(oauthFieldsShown('device_code').has('deviceAuthorizationUrl')).toBe(true);
    expect(oauthFieldsShown('authorization_code').has('deviceAuthorizationUrl')).toBe(false);
  });

  test('only the password grant has the resource owner credentials', () => {
    for (const field of ['username', 'password'] as const) {
      expect(oauthFieldsShown('password').has(field)).toBe(true);
      expect(oauthFieldsShown('authorization_code').has(field)).toBe(false);
      expect(oauthFieldsShown('client_credentials').has(field)).toBe(false);
    }
  });
});

describe('custom token parameters', () => {
  test('every grant has them; only the code grant sends them on refresh', () => {
    for (const grant of ['authorization_code', 'client_credentials', 'password'] as const) {
      expect(oauthFieldsShown(grant).has('customTokenParams')).toBe(true);
    }
    expect(oauthFieldsShown('authorization_code').has('sendCustomTokenParamsWithRefresh')).toBe(true);
    expect(oauthFieldsShown('client_credentials').has('sendCustomTokenParamsWithRefresh')).toBe(false);
  });

  test('blank rows are dropped on save and field errors point at the row shown', () => {
    const form = oauthForm({
      grantType: 'client_credentials',
      customTokenParams: [
        { key: '', value: '' },
        { key: 'grant_type', value: 'x' },
      ],
    });
    const { config, rowMaps } = formToConfig(form);
    expect(config.auth.type === 'oauth2' && config.auth.customTokenParams).toEqual([{ key: 'grant_type', value: 'x' }]);
    expect(remapFieldErrors([{ field: 'auth.customTokenParams[0].key', message: 'remove this row' }], rowMaps)).toEqual(
      [{ field: 'auth.customTokenParams[1].key', message: 'remove this row' }],
    );
  });
});

describe('isFieldShown', () => {
  test('follows the selected authentication type', () => {
    const basic = { ...emptyForm(), authType: 'basic' as const };
    expect(isFieldShown(basic, 'auth.username')).toBe(true);
    expect(isFieldShown(basic, 'auth.token')).toBe(false);
    expect(isFieldShown(oauthForm({ grantType: 'client_credentials' }), 'auth.authorizationUrl')).toBe(false);
    expect(isFieldShown(oauthForm(), 'auth.customAuthParams[0].key')).toBe(true);
  });

  test('the signature secret shows only while the signature header is on', () => {
    expect(isFieldShown(emptyForm(), 'signatureSecret')).toBe(false);
    expect(isFieldShown({ ...emptyForm(), sendSignatureHeader: true }, 'signatureSecret')).toBe(true);
  });
});

describe('secrets on save', () => {
  test('normalizeSecret: a typed value, keep the stored one, or nothing', () => {
    expect(normalizeSecret('s3cret')).toBe('s3cret');
    expect(normalizeSecret('')).toBeNull();
    expect(normalizeSecret({ set: true })).toEqual({ set: true });
    expect(normalizeSecret({ set: false })).toBeNull();
    expect(normalizeSecret(null)).toBeNull();
  });

  test('a loaded datasource keeps its stored secrets untouched on save', () => {
    const form = formFromDatasource(
      datasource({
        auth: { type: 'basic', username: 'ada', password: { set: true } },
        sendSignatureHeader: true,
        signatureSecret: { set: true },
      }),
    );
    const { config } = formToConfig(form);
    expect(config.auth).toEqual({ type: 'basic', username: 'ada', password: { set: true } });
    expect(config.signatureSecret).toEqual({ set: true });
  });

  test('the signature secret and certificate are cleared when their switch is off', () => {
    const form = {
      ...emptyForm(),
      sendSignatureHeader: false,
      signatureSecret: 'typed',
      useCertificate: false,
      selfSignedCertificate: 'PEM',
    };
    const { config } = formToConfig(form);
    expect(config.signatureSecret).toBeNull();
    expect(config.selfSignedCertificate).toBeNull();
  });
});

describe('formToConfig for OAuth 2.0', () => {
  test('scopes are split on commas and number fields parsed', () => {
    const { config, errors } = formToConfig(
      oauthForm({}, { scopesText: 'read, write,, admin ', expiresInText: '3600', loopbackPortText: '0' }),
    );
    expect(errors).toEqual([]);
    if (config.auth.type !== 'oauth2') throw new Error('not oauth2');
    expect(config.auth.scopes).toEqual(['read', 'write', 'admin']);
    expect(config.auth.expiresInOverride).toBe(3600);
    expect(config.auth.loopbackPort).toBe(0);
  });

  test('a loopback port that is not a port is reported before saving', () => {
    const { config, errors } = formToConfig(oauthForm({}, { loopbackPortText: '70000' }));
    expect(errors.map((e) => e.field)).toEqual(['auth.loopbackPort']);
    if (config.auth.type !== 'oauth2') throw new Error('not oauth2');
    expect(config.auth.loopbackPort).toBe(DEFAULT_LOOPBACK_PORT);
  });

  test('fields of another grant are not checked', () => {
    const { errors } = formToConfig(
      oauthForm({ grantType: 'client_credentials' }, { loopbackPortText: 'x', expiresInText: 'soon' }),
    );
    expect(errors).toEqual([]);
  });
});

test('parseScopes trims and drops empty entries', () => {
  expect(parseScopes(' a ,b,, c')).toEqual(['a', 'b', 'c']);
  expect(parseScopes('')).toEqual([]);
});

test("the core's row paths are mapped back to the rows on screen", () => {
  const form = {
    ...emptyForm(),
    headers: [
      { key: 'A', value: '1' },
      { key: '', value: '' },
      { key: '', value: 'no name' },
    ],
  };
  const { config, rowMaps } = formToConfig(form);
  expect(config.headers).toHaveLength(2);
  expect(remapFieldErrors([{ field: 'headers[1].key', message: 'enter a name' }], rowMaps)).toEqual([
    { field: 'headers[2].key', message: 'enter a name' },
  ]);
});

describe('uniqueName', () => {
  test('takes the name, or the first free number after it, case aside', () => {
    expect(uniqueName('Dropbox', [])).toBe('Dropbox');
    expect(uniqueName('Dropbox', ['dropbox'])).toBe('Dropbox 2');
    expect(uniqueName('Dropbox', ['Dropbox', 'Dropbox 2', 'Dropbox 4'])).toBe('Dropbox 3');
  });
});

describe('fieldValue', () => {
  test('reads what the field at a path holds as typed, rows by their index on screen', () => {
    const form = {
      ...emptyForm(),
      authType: 'oauth2' as const,
      loopbackPortText: '80x',
      headers: [{ key: 'A', value: '1' }],
    };
    expect(fieldValue(form, 'auth.loopbackPort')).toBe('"80x"');
    expect(fieldValue(form, 'headers[0].key')).toBe('"A"');
    expect(fieldValue(form, 'headers[3].key'), 'a row that is gone').toBe('null');
    expect(fieldValue({ ...form, authType: 'basic' }, 'auth.loopbackPort'), 'another auth type').toBe('null');
  });
});

describe('per-environment overrides', () => {
  const base = () =>
    datasource({
      headers: [{ key: 'X-A', value: '1' }],
      auth: {
        type: 'oauth2',
        ...defaultOAuth2(),
        grantType: 'client_credentials',
        accessTokenUrl: 'https://id.example.com/token',
        clientId: 'base-client',
        clientSecret: { set: true },
        scopes: ['read'],
      },
      environments: {
        staging: {
          url: 'https://staging.example.com',
          auth: { clientId: 'staging-client', scopes: ['read', 'write'] },
        },
        legacy: { auth: { type: 'bearer', token: { set: true } } },
      },
    });

  test('a stored datasource comes back unchanged through the form', () => {
    const loaded = base();
    const { config } = formToConfig(formFromDatasource(loaded));
    expect(config.environments).toEqual(loaded.environments);
    expect(config.url).toBe(loaded.url);
  });

  test('the effective form merges auth fields, and another auth type replaces the whole auth', () => {
    const form = formFromDatasource(base());
    const staging = effectiveForm(form, 'Staging');
    expect(staging.url).toBe('https://staging.example.com');
    expect(staging.oauth2.clientId).toBe('staging-client');
    expect(staging.scopesText).toBe('read, write');
    expect(staging.oauth2.accessTokenUrl, 'not overridden: the base').toBe('https://id.example.com/token');
    expect(staging.headers).toEqual([{ key: 'X-A', value: '1' }]);
    const legacy = effectiveForm(form, 'legacy');
    expect(legacy.authType).toBe('bearer');
    expect(legacy.bearer.token).toEqual({ set: true });
    expect(isOverridden(form, 'legacy', 'auth.clientId'), 'its own auth, every field of it').toBe(true);
    expect(effectiveForm(form, 'production'), 'no overrides: the base itself').toBe(form);
  });

  test('an edit goes to the override of a field the environment sets, to the base otherwise', () => {
    const form = formFromDatasource(base());
    const shown = effectiveForm(form, 'staging');
    const edited = editForm(form, 'staging', {
      oauth2: { ...shown.oauth2, clientId: 'staging-2', accessTokenUrl: 'https://id.example.com/t2' },
    });
    const { config } = formToConfig(edited);
    if (config.auth.type !== 'oauth2') throw new Error('not oauth2');
    expect(config.auth.clientId).toBe('base-client');
    expect(config.auth.accessTokenUrl).toBe('https://id.example.com/t2');
    expect(config.environments.staging.auth).toEqual({ clientId: 'staging-2', scopes: ['read', 'write'] });
  });

  test('an override equal to the base is not sent; a reset one neither', () => {
    let form = overrideField(formFromDatasource(base()), 'staging', 'headers');
    expect(isOverridden(form, 'staging', 'headers')).toBe(true);
    expect(formToConfig(form).config.environments.staging.headers, 'same rows as the base').toBeUndefined();
    form = resetField(resetField(form, 'staging', 'url'), 'staging', 'auth.clientId');
    form = resetField(form, 'staging', 'auth.scopes');
    expect(Object.keys(formToConfig(form).config.environments)).toEqual(['legacy']);
  });

  test('an environment\'s proxy is sent whole, its password empty until entered, even "system" over a custom base', () => {
    let form = overrideField(formFromDatasource(base()), 'staging', 'proxy');
    const shown = effectiveForm(form, 'staging');
    form = editForm(form, 'staging', { proxy: { ...shown.proxy, mode: 'custom', url: 'http://staging-proxy:3128' } });
    let { config } = formToConfig(form);
    expect(config.proxy, 'the base keeps the system proxy').toBe('system');
    expect(config.environments.staging.proxy).toEqual({
      url: 'http://staging-proxy:3128',
      username: '',
      password: null,
    });

    const custom = datasource({
      ...base(),
      proxy: { url: 'http://corp-proxy:3128', username: 'u', password: { set: true } },
    });
    form = overrideField(formFromDatasource(custom), 'staging', 'proxy');
    expect(
      effectiveForm(form, 'staging').proxy.password,
      "the base's stored password is not the environment's",
    ).toBeNull();
    form = editForm(form, 'staging', { proxy: { ...effectiveForm(form, 'staging').proxy, mode: 'system' } });
    ({ config } = formToConfig(form));
    expect(config.proxy).toEqual({ url: 'http://corp-proxy:3128', username: 'u', password: { set: true } });
    expect(config.environments.staging.proxy).toBe('system');
  });

  test("an environment's own auth type is sent whole, its secret empty until entered", () => {
    let form = overrideField(formFromDatasource(base()), 'staging', 'auth.type');
    form = editForm(form, 'staging', { authType: 'basic' });
    const shown = effectiveForm(form, 'staging');
    form = editForm(form, 'staging', { basic: { ...shown.basic, username: 'ada' } });
    const { config } = formToConfig(form);
    expect(config.auth.type, 'the base keeps its type').toBe('oauth2');
    expect(config.environments.staging.auth).toEqual({ type: 'basic', username: 'ada', password: null });
  });

  test("an environment's row and number errors are named under it, rows mapped to the screen", () => {
    let form = overrideField(formFromDatasource(base()), 'staging', 'headers');
    form = editForm(form, 'staging', {
      headers: [
        { key: '', value: '' },
        { key: '', value: 'no name' },
      ],
    });
    form = overrideField(form, 'staging', 'auth.loopbackPort');
    form = editForm(form, 'staging', {
      authType: 'oauth2',
      oauth2: { ...effectiveForm(form, 'staging').oauth2, grantType: 'authorization_code' },
    });
    form = editForm(form, 'staging', { loopbackPortText: 'x' });
    const { config, errors, rowMaps } = formToConfig(form);
    expect(config.environments.staging.headers).toEqual([{ key: '', value: 'no name' }]);
    expect(
      errors.map((e) => e.field),
      'the base port is fine',
    ).toEqual(['environments.staging.auth.loopbackPort']);
    expect(
      remapFieldErrors([{ field: 'environments.staging.headers[0].key', message: 'enter a name' }], rowMaps),
    ).toEqual([{ field: 'environments.staging.headers[1].key', message: 'enter a name' }]);
    expect(fieldValue(form, 'environments.staging.headers[1].value')).toBe('"no name"');
    expect(fieldValue(form, 'headers[0].key')).toBe('"X-A"');
  });
});
