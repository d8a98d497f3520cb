// The datasource editor's state without React: which fields belong to which authentication
// type and grant, what Save sends for write-only secrets, the number fields checked before
// saving, and mapping the core's row paths back to the rows on screen.
import { describe, expect, test } from 'vitest';
import {
  DEFAULT_LOOPBACK_PORT,
  emptyForm,
  fieldValue,
  formFromDatasource,
  formToConfig,
  isFieldShown,
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
    }
  });

  test('only the password grant has the resource owner credentials', () => {
    for (const field of ['username', 'password'] as const) {
      expect(oauthFieldsShown('password').has(field)).toBe(true);
      expect(oauthFieldsShown('authorization_code').has(field)).toBe(false);
      expect(oauthFieldsShown('client_credentials').has(field)).toBe(false);
    }
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
