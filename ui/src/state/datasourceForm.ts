// The datasource editor's state as plain data and the functions between it and the core's
// `DatasourceConfig`: defaults, loading, presets, what is sent on save, which fields show for
// which authentication type and grant, and the per-environment overrides (which fields an
// environment sets differently, the effective form in it, where an edit goes). No React here.
import type { ApiKeyAuth } from '../bindings/ApiKeyAuth';
import type { AuthType } from '../bindings/AuthType';
import type { BasicAuth } from '../bindings/BasicAuth';
import type { BearerAuth } from '../bindings/BearerAuth';
import type { ConfigOverrides } from '../bindings/ConfigOverrides';
import type { Datasource } from '../bindings/Datasource';
import type { DatasourceConfig } from '../bindings/DatasourceConfig';
import { DEFAULTS } from '../bindings/defaultValues';
import type { FieldError } from '../bindings/FieldError';
import type { GrantType } from '../bindings/GrantType';
import type { OAuth2Config } from '../bindings/OAuth2Config';
import type { Preset } from '../bindings/Preset';
import type { ProxyConfig } from '../bindings/ProxyConfig';
import type { SecretField } from '../bindings/SecretField';
import { compactRows, isBlankRow, type RowMaps } from './rows';

/** The port the core uses when a datasource names none (generated from Rust). */
export const DEFAULT_LOOPBACK_PORT = DEFAULTS.loopbackPort;

/**
 * The fields of a datasource as the editor holds them. Each authentication type keeps its own
 * fields so switching the type back and forth loses nothing; only the selected one is saved.
 * Number and list fields that are typed as text keep the text as typed.
 */
export interface FormFields {
  name: string;
  url: string;
  allowInsecureHttp: boolean;
  headers: { key: string; value: string }[];
  queryParams: { key: string; value: string }[];
  sendSignatureHeader: boolean;
  signatureSecret: SecretField;
  useCertificate: boolean;
  selfSignedCertificate: SecretField;
  /** The client certificate (mTLS) as PEM text; empty for none. */
  clientCertificate: string;
  clientCertificateKey: SecretField;
  clientCertificatePassphrase: SecretField;
  proxy: ProxyForm;
  authType: AuthType;
  basic: BasicAuth;
  apiKey: ApiKeyAuth;
  bearer: BearerAuth;
  oauth2: OAuth2Config;
  /** Scopes as typed, comma-separated. */
  scopesText: string;
  /** "Authorization expires in (seconds)" as typed; empty for none. */
  expiresInText: string;
  loopbackPortText: string;
}

/** The datasource's proxy as the editor holds it: the explicit proxy's fields stay while another mode is picked. */
export interface ProxyForm {
  mode: 'system' | 'none' | 'custom';
  url: string;
  username: string;
  password: SecretField;
}

export function emptyProxy(): ProxyForm {
  return { mode: 'system', url: '', username: '', password: null };
}

/** The form's proxy for a stored `proxy` (absent: `"system"`). */
export function proxyFormOf(proxy: ProxyConfig | undefined): ProxyForm {
  if (proxy === undefined || proxy === 'system') return emptyProxy();
  if (proxy === 'none') return { ...emptyProxy(), mode: 'none' };
  return { mode: 'custom', url: proxy.url, username: proxy.username, password: normalizeSecret(proxy.password) };
}

/** What Save sends for the proxy; `"system"` is written out so an environment can set it over another base. */
export function proxyToConfig(proxy: ProxyForm): ProxyConfig {
  if (proxy.mode !== 'custom') return proxy.mode;
  return { url: proxy.url.trim(), username: proxy.username.trim(), password: normalizeSecret(proxy.password) };
}

/**
 * What one environment sets differently. `fields` are the overridden paths (`url`, `headers`,
 * `auth.clientId`; `auth.type` for a whole `auth` of its own); `values` holds the environment's
 * value of each of them (its other members are unused).
 */
export interface EnvironmentOverrides {
  fields: string[];
  values: FormFields;
}

/** Everything the editor holds: the base configuration and the overrides by environment name. */
export interface DatasourceForm extends FormFields {
  environments: Record<string, EnvironmentOverrides>;
}

/** A new OAuth 2.0 datasource as the core starts it (`OAuth2Config::default()`, generated). */
export function defaultOAuth2(): OAuth2Config {
  return structuredClone(DEFAULTS.oauth2);
}

export function emptyForm(): DatasourceForm {
  return {
    name: '',
    url: '',
    allowInsecureHttp: false,
    headers: [],
    queryParams: [],
    sendSignatureHeader: false,
    signatureSecret: null,
    useCertificate: false,
    selfSignedCertificate: null,
    clientCertificate: '',
    clientCertificateKey: null,
    clientCertificatePassphrase: null,
    proxy: emptyProxy(),
    authType: 'none',
    basic: { username: '', password: null },
    apiKey: { key: '', value: null, addTo: 'header', headerPrefix: '' },
    bearer: { token: null },
    oauth2: defaultOAuth2(),
    scopesText: '',
    expiresInText: '',
    loopbackPortText: String(DEFAULT_LOOPBACK_PORT),
    environments: {},
  };
}

/** Whether a secret slot holds a stored value (the core sends `{ set: true }`, never the value). */
export function isSecretSaved(secret: SecretField): secret is { set: boolean } {
  return typeof secret === 'object' && secret !== null && secret.set;
}

/** What a slot means when sent: a new value, "keep the stored one", or nothing. */
export function normalizeSecret(secret: SecretField): SecretField {
  if (typeof secret === 'string') return secret === '' ? null : secret;
  return isSecretSaved(secret) ? { set: true } : null;
}

/** "a, b ,,c" → ["a", "b", "c"]. */
export function parseScopes(text: string): string[] {
  return text
    .split(',')
    .map((scope) => scope.trim())
    .filter((scope) => scope !== '');
}

function oauthTexts(auth: OAuth2Config): Pick<DatasourceForm, 'scopesText' | 'expiresInText' | 'loopbackPortText'> {
  return {
    scopesText: auth.scopes.join(', '),
    expiresInText: auth.expiresInOverride === null ? '' : String(auth.expiresInOverride),
    loopbackPortText: String(auth.loopbackPort),
  };
}

/** The members of `template` that `source` has, taken from `source` (a partial `auth` override). */
function membersOf<T extends object>(template: T, source: Record<string, unknown>): Partial<T> {
  return Object.fromEntries(
    Object.keys(template).flatMap((key) => (key in source ? [[key, source[key]]] : [])),
  ) as Partial<T>;
}

/**
 * The form's authentication fields for `auth`: a stored one, or the whole `auth` of an
 * environment that sets another type (members it leaves out take the defaults).
 */
function authFormFields(auth: { type: AuthType } & Record<string, unknown>): Partial<FormFields> {
  const empty = emptyForm();
  switch (auth.type) {
    case 'none':
      return { authType: 'none' };
    case 'basic': {
      const basic = { ...empty.basic, ...membersOf(empty.basic, auth) };
      return { authType: 'basic', basic: { ...basic, password: normalizeSecret(basic.password) } };
    }
    case 'apiKey': {
      const apiKey = { ...empty.apiKey, ...membersOf(empty.apiKey, auth) };
      return { authType: 'apiKey', apiKey: { ...apiKey, value: normalizeSecret(apiKey.value) } };
    }
    case 'bearer':
      return { authType: 'bearer', bearer: { token: normalizeSecret((auth.token ?? null) as SecretField) } };
    case 'oauth2': {
      const config = { ...defaultOAuth2(), ...membersOf(defaultOAuth2(), auth) };
      const oauth2: OAuth2Config = {
        ...config,
        clientSecret: normalizeSecret(config.clientSecret),
        password: normalizeSecret(config.password),
        clientAssertionKey: normalizeSecret(config.clientAssertionKey),
        customAuthParams: config.customAuthParams.map((row) => ({ ...row })),
        customTokenParams: config.customTokenParams.map((row) => ({ ...row })),
      };
      return { authType: 'oauth2', oauth2, ...oauthTexts(oauth2) };
    }
  }
}

export function formFromDatasource(datasource: Datasource): DatasourceForm {
  const base: FormFields = {
    ...fieldsOf(emptyForm()),
    name: datasource.name,
    url: datasource.url,
    allowInsecureHttp: datasource.allowInsecureHttp,
    headers: datasource.headers.map((row) => ({ ...row })),
    queryParams: datasource.queryParams.map((row) => ({ ...row })),
    sendSignatureHeader: datasource.sendSignatureHeader,
    signatureSecret: normalizeSecret(datasource.signatureSecret),
    useCertificate: isSecretSaved(datasource.selfSignedCertificate),
    selfSignedCertificate: normalizeSecret(datasource.selfSignedCertificate),
    clientCertificate: datasource.clientCertificate,
    clientCertificateKey: normalizeSecret(datasource.clientCertificateKey),
    clientCertificatePassphrase: normalizeSecret(datasource.clientCertificatePassphrase),
    proxy: proxyFormOf(datasource.proxy),
    ...authFormFields(datasource.auth as { type: AuthType } & Record<string, unknown>),
  };
  const environments: Record<string, EnvironmentOverrides> = {};
  for (const [name, overrides] of Object.entries(datasource.environments ?? {})) {
    environments[name] = overridesFromConfig(base, overrides);
  }
  return { ...base, environments };
}

/** Starts a new datasource from a provider: its URL when none was typed, and its OAuth 2.0 setup. */
export function applyPreset(form: DatasourceForm, preset: Preset): DatasourceForm {
  const oauth2: OAuth2Config = {
    ...defaultOAuth2(),
    ...preset.auth,
    clientId: form.oauth2.clientId || preset.auth.clientId,
    clientSecret: form.oauth2.clientSecret,
    password: form.oauth2.password,
    clientAssertionKey: form.oauth2.clientAssertionKey,
    customAuthParams: preset.auth.customAuthParams.map((row) => ({ ...row })),
    customTokenParams: preset.auth.customTokenParams.map((row) => ({ ...row })),
  };
  return {
    ...form,
    url: form.url.trim() === '' ? preset.url : form.url,
    authType: 'oauth2',
    oauth2,
    ...oauthTexts(oauth2),
  };
}

/** Takes the endpoints that discovery filled in, keeping what the person typed as secrets. */
export function applyDiscovery(form: DatasourceForm, discovered: OAuth2Config): DatasourceForm {
  const oauth2: OAuth2Config = {
    ...discovered,
    clientSecret: form.oauth2.clientSecret,
    password: form.oauth2.password,
    clientAssertionKey: form.oauth2.clientAssertionKey,
  };
  return { ...form, oauth2, ...oauthTexts(oauth2) };
}

type OAuthField = keyof OAuth2Config;

const COMMON_OAUTH_FIELDS: OAuthField[] = [
  'grantType',
  'addTokenTo',
  'headerPrefix',
  'accessTokenUrl',
  'clientId',
  'clientSecret',
  'scopes',
  'clientAuthentication',
  'clientAssertionKey',
  'clientAssertionAlg',
  'clientAssertionKid',
  'customTokenParams',
  'audience',
  'resource',
  'issuer',
  'revocationUrl',
];

const GRANT_FIELDS: Record<GrantType, OAuthField[]> = {
  authorization_code: [
    'authorizationUrl',
    'customAuthParams',
    'expiresInOverride',
    'sendScopeWithRefreshToken',
    'sendCustomTokenParamsWithRefresh',
    'refreshClientAuthentication',
    'pkce',
    'redirect',
    'loopbackPort',
  ],
  client_credentials: [],
  password: ['username', 'password'],
  // RFC 8628: no browser redirect, so no Authorization URL, redirect or PKCE.
  device_code: [
    'deviceAuthorizationUrl',
    'expiresInOverride',
    'sendScopeWithRefreshToken',
    'sendCustomTokenParamsWithRefresh',
    'refreshClientAuthentication',
  ],
};

/** The OAuth 2.0 fields the editor shows for `grant`. */
export function oauthFieldsShown(grant: GrantType): Set<OAuthField> {
  return new Set([...COMMON_OAUTH_FIELDS, ...GRANT_FIELDS[grant]]);
}

/** The fields `private_key_jwt` needs, shown only with it. */
export const CLIENT_ASSERTION_FIELDS: OAuthField[] = ['clientAssertionKey', 'clientAssertionAlg', 'clientAssertionKid'];

/** The fields of the "Advanced settings" section, which opens by itself when one has an error. */
export const ADVANCED_OAUTH_FIELDS: OAuthField[] = ['pkce', 'redirect', 'loopbackPort', 'issuer', 'revocationUrl'];

const AUTH_FIELDS: Record<Exclude<AuthType, 'oauth2'>, string[]> = {
  none: [],
  basic: ['username', 'password'],
  apiKey: ['key', 'value', 'addTo', 'headerPrefix'],
  bearer: ['token'],
};

/** Whether `url` is a loopback host (`localhost`, 127.0.0.0/8, `::1`), where plain http is fine (`tls::is_loopback` in Rust). */
export function isLoopbackUrl(url: URL): boolean {
  const host = url.hostname.toLowerCase();
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Whether the form's URL is plain http to a host that is not a loopback host while the
 * datasource has credentials: the core refuses that unless "Allow insecure HTTP" is ticked.
 */
export function needsInsecureHttp(form: DatasourceForm): boolean {
  let url: URL;
  try {
    url = new URL(form.url.trim());
  } catch {
    return false;
  }
  const credentials = form.authType !== 'none' || form.sendSignatureHeader;
  return url.protocol === 'http:' && credentials && !isLoopbackUrl(url);
}

/** The client certificate's fields (mTLS), always shown (the passphrase as `needsPassphrase` says). */
const CLIENT_CERTIFICATE_PATHS = ['clientCertificate', 'clientCertificateKey'];

/** Whether the client certificate's passphrase field shows: for an encrypted key typed in, or one saved. */
export function needsPassphrase(key: SecretField, passphrase: SecretField): boolean {
  return passphrase !== null || (typeof key === 'string' && key.includes('ENCRYPTED PRIVATE KEY'));
}

/** Whether the editor currently shows the field at `path`, so its errors can go under it. */
export function isFieldShown(form: DatasourceForm, path: string): boolean {
  if (path === 'name' || path === 'url') return true;
  if (path === 'allowInsecureHttp') return form.allowInsecureHttp || needsInsecureHttp(form);
  if (path === 'auth.useSelfSignedCertForAuth') return form.authType === 'oauth2' && form.useCertificate;
  if (path === 'signatureSecret') return form.sendSignatureHeader;
  if (path === 'selfSignedCertificate') return form.useCertificate;
  if (path === 'clientCertificatePassphrase')
    return needsPassphrase(form.clientCertificateKey, form.clientCertificatePassphrase);
  if (CLIENT_CERTIFICATE_PATHS.includes(path)) return true;
  if (path === 'proxy') return true;
  if (path.startsWith('proxy.')) return form.proxy.mode === 'custom';
  if (/^(headers|queryParams)\[\d+\]\.(key|value)$/.test(path)) return true;
  if (!path.startsWith('auth.')) return false;
  const field = path.slice('auth.'.length).replace(/\[.*$/, '');
  if (form.authType === 'oauth2' && CLIENT_ASSERTION_FIELDS.includes(field as OAuthField)) {
    return form.oauth2.clientAuthentication === 'private_key_jwt';
  }
  if (
    form.authType === 'oauth2' &&
    field === 'clientSecret' &&
    form.oauth2.clientAuthentication === 'private_key_jwt'
  ) {
    // Only refreshes set to send the secret (Body or Header) use it next to the private key.
    return form.oauth2.grantType === 'authorization_code' && form.oauth2.refreshClientAuthentication !== 'same';
  }
  if (form.authType === 'oauth2') return oauthFieldsShown(form.oauth2.grantType).has(field as OAuthField);
  return AUTH_FIELDS[form.authType].includes(field);
}

function parseWholeNumber(text: string): number | null {
  return /^\s*\d+\s*$/.test(text) ? Number(text) : null;
}

/**
 * What Save sends, problems the form can tell before asking the core (number fields), and the
 * index maps that turn the core's row paths back into the rows on screen. Each environment's
 * overrides hold only the fields that differ from the base (`environments.<name>.<field>` in
 * errors and row maps); an environment left with none is not sent.
 */
export function formToConfig(form: DatasourceForm): {
  config: DatasourceConfig;
  errors: FieldError[];
  rowMaps: RowMaps;
} {
  // The base's signature secret is kept while an environment turns the signature header on.
  const signs = Object.values(form.environments).some(
    (own) => own.fields.includes('sendSignatureHeader') && own.values.sendSignatureHeader,
  );
  const base = fieldsToConfig(form, signs);
  const environments: Record<string, ConfigOverrides> = {};
  const errors = [...base.errors];
  const rowMaps = { ...base.rowMaps };
  for (const name of Object.keys(form.environments)) {
    const own = overridesToConfig(form, name, base.config);
    if (Object.keys(own.overrides).length > 0) environments[name] = own.overrides;
    errors.push(...own.errors);
    Object.assign(rowMaps, own.rowMaps);
  }
  return { config: { ...base.config, environments }, errors, rowMaps };
}

function fieldsToConfig(
  form: FormFields,
  signatureUsed = false,
): {
  config: Omit<DatasourceConfig, 'environments'>;
  errors: FieldError[];
  rowMaps: RowMaps;
} {
  const errors: FieldError[] = [];
  const headers = compactRows(form.headers, isBlankRow);
  const queryParams = compactRows(form.queryParams, isBlankRow);
  const customAuthParams = compactRows(form.oauth2.customAuthParams, isBlankRow);
  const customTokenParams = compactRows(form.oauth2.customTokenParams, isBlankRow);
  const rowMaps: RowMaps = {
    headers: headers.sourceIndex,
    queryParams: queryParams.sourceIndex,
    'auth.customAuthParams': customAuthParams.sourceIndex,
    'auth.customTokenParams': customTokenParams.sourceIndex,
  };

  let auth: DatasourceConfig['auth'];
  switch (form.authType) {
    case 'none':
      auth = { type: 'none' };
      break;
    case 'basic':
      auth = { type: 'basic', ...form.basic, password: normalizeSecret(form.basic.password) };
      break;
    case 'apiKey':
      auth = { type: 'apiKey', ...form.apiKey, value: normalizeSecret(form.apiKey.value) };
      break;
    case 'bearer':
      auth = { type: 'bearer', token: normalizeSecret(form.bearer.token) };
      break;
    case 'oauth2': {
      const authorizationCode = form.oauth2.grantType === 'authorization_code';
      let expiresInOverride: number | null = null;
      if (form.expiresInText.trim() !== '') {
        expiresInOverride = parseWholeNumber(form.expiresInText);
        if (expiresInOverride === null && (authorizationCode || form.oauth2.grantType === 'device_code')) {
          errors.push({
            field: 'auth.expiresInOverride',
            message: 'enter a whole number of seconds, or leave it empty',
          });
        }
      }
      let loopbackPort = parseWholeNumber(form.loopbackPortText);
      if (loopbackPort === null || loopbackPort > 65535) {
        if (authorizationCode && form.oauth2.redirect === 'loopback') {
          errors.push({ field: 'auth.loopbackPort', message: 'enter a port from 1 to 65535, or 0 for any free port' });
        }
        loopbackPort = form.oauth2.loopbackPort;
      }
      auth = {
        type: 'oauth2',
        ...form.oauth2,
        clientSecret: normalizeSecret(form.oauth2.clientSecret),
        password: normalizeSecret(form.oauth2.password),
        clientAssertionKey: normalizeSecret(form.oauth2.clientAssertionKey),
        scopes: parseScopes(form.scopesText),
        customAuthParams: customAuthParams.rows,
        customTokenParams: customTokenParams.rows,
        expiresInOverride,
        loopbackPort,
        useSelfSignedCertForAuth: form.useCertificate && form.oauth2.useSelfSignedCertForAuth,
      };
      break;
    }
  }

  const config: Omit<DatasourceConfig, 'environments'> = {
    name: form.name,
    url: form.url,
    allowInsecureHttp: form.allowInsecureHttp,
    headers: headers.rows,
    queryParams: queryParams.rows,
    sendSignatureHeader: form.sendSignatureHeader,
    signatureSecret: form.sendSignatureHeader || signatureUsed ? normalizeSecret(form.signatureSecret) : null,
    selfSignedCertificate: form.useCertificate ? normalizeSecret(form.selfSignedCertificate) : null,
    clientCertificate: form.clientCertificate,
    clientCertificateKey: normalizeSecret(form.clientCertificateKey),
    clientCertificatePassphrase: normalizeSecret(form.clientCertificatePassphrase),
    proxy: proxyToConfig(form.proxy),
    auth,
  };
  return { config, errors, rowMaps };
}

// ---- Per-environment overrides ----

/** The top-level fields an environment can override (`auth` fields are `auth.<name>`). */
const TOP_OVERRIDES = [
  'url',
  'allowInsecureHttp',
  'headers',
  'queryParams',
  'sendSignatureHeader',
  'signatureSecret',
  'selfSignedCertificate',
  'clientCertificate',
  'clientCertificateKey',
  'clientCertificatePassphrase',
  'proxy',
] as const;

/** Override paths whose value is a write-only secret slot. */
const SECRET_PATHS = new Set([
  'signatureSecret',
  'selfSignedCertificate',
  'clientCertificateKey',
  'clientCertificatePassphrase',
  'auth.password',
  'auth.value',
  'auth.token',
  'auth.clientSecret',
  'auth.clientAssertionKey',
]);

type AuthObject = 'basic' | 'apiKey' | 'bearer' | 'oauth2';

const AUTH_OBJECTS: Record<AuthType, AuthObject | null> = {
  none: null,
  basic: 'basic',
  apiKey: 'apiKey',
  bearer: 'bearer',
  oauth2: 'oauth2',
};

/** OAuth 2.0 members the form keeps as typed text. */
const AUTH_TEXTS: Record<string, 'scopesText' | 'expiresInText' | 'loopbackPortText'> = {
  scopes: 'scopesText',
  expiresInOverride: 'expiresInText',
  loopbackPort: 'loopbackPortText',
};

/** The form's members that make up the whole `auth`. */
const WHOLE_AUTH: (keyof FormFields)[] = [
  'authType',
  'basic',
  'apiKey',
  'bearer',
  'oauth2',
  'scopesText',
  'expiresInText',
  'loopbackPortText',
];

/** The form's fields without the overrides. */
export function fieldsOf(form: FormFields): FormFields {
  const { environments: _environments, ...fields } = form as DatasourceForm;
  return fields;
}

/** A copy whose authentication objects can be changed without touching `form`'s. */
function copyOf<T extends FormFields>(form: T): T {
  return {
    ...form,
    basic: { ...form.basic },
    apiKey: { ...form.apiKey },
    bearer: { ...form.bearer },
    oauth2: { ...form.oauth2 },
    proxy: { ...form.proxy },
  };
}

/** Whether an environment can set the field at `path` (an override path: `url`, `auth.clientId`). */
export function isOverridable(path: string): boolean {
  return (TOP_OVERRIDES as readonly string[]).includes(path) || path.startsWith('auth.');
}

/** The override path a field error's path falls under: `headers[2].key` → `headers`. */
export function overridePathOf(path: string): string {
  return path.replace(/\[.*$/, '');
}

/** `environments.staging.url` → `{ environment: 'staging', field: 'url' }`; a base path has no environment. */
export function splitEnvironmentPath(path: string): { environment: string | null; field: string } {
  const match = /^environments\.([^.[]+)(?:\.(.*))?$/.exec(path);
  return match ? { environment: match[1], field: match[2] ?? '' } : { environment: null, field: path };
}

/** The key of `environment`'s overrides in the form (names compare without case), if it has any. */
function overridesKey(form: DatasourceForm, environment: string | null): string | null {
  if (environment === null) return null;
  const lower = environment.toLowerCase();
  return Object.keys(form.environments).find((name) => name.toLowerCase() === lower) ?? null;
}

function overridesOf(form: DatasourceForm, environment: string | null): EnvironmentOverrides | undefined {
  const key = overridesKey(form, environment);
  return key === null ? undefined : form.environments[key];
}

/** Whether `environment` sets the field at the override path `path` (any `auth` field once it sets the whole `auth`). */
export function isOverridden(form: DatasourceForm, environment: string | null, path: string): boolean {
  const overrides = overridesOf(form, environment);
  if (!overrides) return false;
  if (path.startsWith('auth.') && overrides.fields.includes('auth.type')) return true;
  return overrides.fields.includes(path);
}

/** Whether `environment` overrides anything. */
export function hasOverrides(form: DatasourceForm, environment: string | null): boolean {
  return (overridesOf(form, environment)?.fields.length ?? 0) > 0;
}

/** Copies the field at `path` from `source` into `target` (a copy), for the authentication type `authType`. */
function copyField(target: FormFields, source: FormFields, path: string, authType: AuthType) {
  const into = target as unknown as Record<string, unknown>;
  const from = source as unknown as Record<string, unknown>;
  if (path === 'auth.type') {
    for (const key of WHOLE_AUTH) into[key] = from[key];
    return;
  }
  if (path === 'selfSignedCertificate') {
    target.useCertificate = source.useCertificate;
    target.selfSignedCertificate = source.selfSignedCertificate;
    return;
  }
  if (!path.startsWith('auth.')) {
    into[path] = from[path];
    return;
  }
  const member = path.slice('auth.'.length);
  const object = AUTH_OBJECTS[authType];
  if (object === null || !(member in target[object])) return;
  into[object] = { ...target[object], [member]: (source[object] as unknown as Record<string, unknown>)[member] };
  if (object === 'oauth2' && member in AUTH_TEXTS) into[AUTH_TEXTS[member]] = from[AUTH_TEXTS[member]];
}

/** A new secret of an environment's own starts empty: the base's stored value is not the environment's. */
function clearSecrets(values: FormFields, path: string) {
  if (path === 'signatureSecret') values.signatureSecret = null;
  if (path === 'selfSignedCertificate') values.selfSignedCertificate = null;
  if (path === 'clientCertificateKey') values.clientCertificateKey = null;
  if (path === 'clientCertificatePassphrase') values.clientCertificatePassphrase = null;
  if (path === 'proxy') values.proxy = { ...values.proxy, password: null };
  const all = path === 'auth.type';
  if (all || path === 'auth.password') {
    values.basic.password = null;
    values.oauth2.password = null;
  }
  if (all || path === 'auth.value') values.apiKey.value = null;
  if (all || path === 'auth.token') values.bearer.token = null;
  if (all || path === 'auth.clientSecret') values.oauth2.clientSecret = null;
  if (all || path === 'auth.clientAssertionKey') values.oauth2.clientAssertionKey = null;
}

/**
 * The form as `environment` sees it: the base with that environment's overridden fields (the
 * same object when it overrides nothing).
 */
export function effectiveForm(form: DatasourceForm, environment: string | null): DatasourceForm {
  const overrides = overridesOf(form, environment);
  if (!overrides || overrides.fields.length === 0) return form;
  const result = copyOf(form);
  if (overrides.fields.includes('auth.type')) copyField(result, overrides.values, 'auth.type', result.authType);
  for (const path of overrides.fields) {
    if (path !== 'auth.type') copyField(result, overrides.values, path, result.authType);
  }
  return result;
}

/** The override path a form member belongs to (`null`: never overridden). */
function pathOfMember(member: string): string | null {
  switch (member) {
    case 'name':
    case 'environments':
      return null;
    case 'useCertificate':
      return 'selfSignedCertificate';
    case 'authType':
      return 'auth.type';
    case 'scopesText':
      return 'auth.scopes';
    case 'expiresInText':
      return 'auth.expiresInOverride';
    case 'loopbackPortText':
      return 'auth.loopbackPort';
    default:
      return member;
  }
}

/**
 * Applies an edit made on the effective form of `environment`: a field it overrides changes
 * there, any other field changes in the base.
 */
export function editForm(form: DatasourceForm, environment: string | null, patch: Partial<FormFields>): DatasourceForm {
  const key = overridesKey(form, environment);
  const overrides = key === null ? undefined : form.environments[key];
  if (key === null || !overrides || overrides.fields.length === 0) return { ...form, ...patch };
  const effective = effectiveForm(form, key) as unknown as Record<string, Record<string, unknown>>;
  const base = { ...form } as unknown as Record<string, unknown>;
  const values = { ...overrides.values } as unknown as Record<string, unknown>;
  for (const [member, value] of Object.entries(patch)) {
    if (member in AUTH_OBJECTS && member !== 'none') {
      // An authentication object comes whole: each changed member goes where its field lives.
      for (const [name, next] of Object.entries(value as Record<string, unknown>)) {
        if (JSON.stringify(next) === JSON.stringify(effective[member][name])) continue;
        const target = isOverridden(form, key, `auth.${name}`) ? values : base;
        target[member] = { ...(target[member] as object), [name]: next };
      }
      continue;
    }
    const path = pathOfMember(member);
    const target = path !== null && isOverridden(form, key, path) ? values : base;
    target[member] = value;
  }
  const next = base as unknown as DatasourceForm;
  return {
    ...next,
    environments: { ...form.environments, [key]: { ...overrides, values: values as unknown as FormFields } },
  };
}

/** Makes the field at `path` `environment`'s own, starting from what it shows now (a secret starts empty). */
export function overrideField(form: DatasourceForm, environment: string, path: string): DatasourceForm {
  const key = overridesKey(form, environment) ?? environment;
  const effective = effectiveForm(form, environment);
  const current = form.environments[key] ?? { fields: [], values: fieldsOf(form) };
  const copied = copyOf(current.values);
  copyField(copied, effective, path, effective.authType);
  // Copied objects are shared with the base: copy again before emptying secrets.
  const values = copyOf(copied);
  clearSecrets(values, path);
  const fields = [...current.fields.filter((field) => field !== path), path];
  return { ...form, environments: { ...form.environments, [key]: { fields, values } } };
}

/** Gives the field at `path` back to the base in `environment`. */
export function resetField(form: DatasourceForm, environment: string, path: string): DatasourceForm {
  const key = overridesKey(form, environment);
  if (key === null) return form;
  const current = form.environments[key];
  const fields = current.fields.filter((field) => field !== path);
  return { ...form, environments: { ...form.environments, [key]: { ...current, fields } } };
}

/** An environment's overrides as read from the core, in the form's terms. */
function overridesFromConfig(base: FormFields, overrides: ConfigOverrides): EnvironmentOverrides {
  const values = copyOf(base);
  const fields: string[] = [];
  const take = (path: string, patch: Partial<FormFields>) => {
    Object.assign(values, patch);
    fields.push(path);
  };
  if (overrides.url !== undefined) take('url', { url: overrides.url });
  if (overrides.allowInsecureHttp !== undefined)
    take('allowInsecureHttp', { allowInsecureHttp: overrides.allowInsecureHttp });
  if (overrides.headers !== undefined) take('headers', { headers: overrides.headers.map((row) => ({ ...row })) });
  if (overrides.queryParams !== undefined)
    take('queryParams', { queryParams: overrides.queryParams.map((row) => ({ ...row })) });
  if (overrides.sendSignatureHeader !== undefined)
    take('sendSignatureHeader', { sendSignatureHeader: overrides.sendSignatureHeader });
  if (overrides.signatureSecret !== undefined)
    take('signatureSecret', { signatureSecret: normalizeSecret(overrides.signatureSecret) });
  if (overrides.selfSignedCertificate !== undefined) {
    const certificate = normalizeSecret(overrides.selfSignedCertificate);
    take('selfSignedCertificate', { useCertificate: certificate !== null, selfSignedCertificate: certificate });
  }
  if (overrides.clientCertificate !== undefined)
    take('clientCertificate', { clientCertificate: overrides.clientCertificate });
  if (overrides.clientCertificateKey !== undefined)
    take('clientCertificateKey', { clientCertificateKey: normalizeSecret(overrides.clientCertificateKey) });
  if (overrides.clientCertificatePassphrase !== undefined)
    take('clientCertificatePassphrase', {
      clientCertificatePassphrase: normalizeSecret(overrides.clientCertificatePassphrase),
    });
  if (overrides.proxy !== undefined) take('proxy', { proxy: proxyFormOf(overrides.proxy) });
  const auth = overrides.auth;
  if (auth === undefined) return { fields, values };
  if (typeof auth.type === 'string' && auth.type !== base.authType) {
    take('auth.type', authFormFields({ ...auth, type: auth.type as AuthType }));
    return { fields, values };
  }
  const object = AUTH_OBJECTS[base.authType];
  for (const [member, value] of Object.entries(auth)) {
    // Members the base's type has no field for could not be applied: the core refuses them.
    if (member === 'type' || object === null || !(member in values[object])) continue;
    const path = `auth.${member}`;
    const own = SECRET_PATHS.has(path) ? normalizeSecret(value as SecretField) : structuredClone(value);
    (values as unknown as Record<string, Record<string, unknown>>)[object][member] = own;
    if (object === 'oauth2') {
      if (member === 'scopes') values.scopesText = (value as string[]).join(', ');
      if (member === 'expiresInOverride') values.expiresInText = value === null ? '' : String(value);
      if (member === 'loopbackPort') values.loopbackPortText = String(value);
    }
    fields.push(path);
  }
  return { fields, values };
}

/** Whether an overridden value is worth writing: it differs from the base's (a secret: unless both are empty). */
function differs(path: string, own: unknown, base: unknown): boolean {
  if (SECRET_PATHS.has(path)) return !(own === null && base === null);
  return JSON.stringify(own) !== JSON.stringify(base);
}

/** What Save sends for the environment `name`: only its fields that differ from `base`. */
function overridesToConfig(
  form: DatasourceForm,
  name: string,
  base: Omit<DatasourceConfig, 'environments'>,
): { overrides: ConfigOverrides; errors: FieldError[]; rowMaps: RowMaps } {
  const own = form.environments[name];
  const { config, errors, rowMaps } = fieldsToConfig(effectiveForm(form, name));
  const overrides: Record<string, unknown> = {};
  const sent = config as unknown as Record<string, unknown>;
  const baseValues = base as unknown as Record<string, unknown>;
  for (const path of TOP_OVERRIDES) {
    if (own.fields.includes(path) && differs(path, sent[path], baseValues[path])) overrides[path] = sent[path];
  }
  const ownAuth = config.auth as Record<string, unknown>;
  const baseAuth = base.auth as Record<string, unknown>;
  const whole = own.fields.includes('auth.type');
  if (whole && ownAuth.type !== baseAuth.type) {
    overrides.auth = ownAuth;
  } else {
    const auth: Record<string, unknown> = {};
    for (const [member, value] of Object.entries(ownAuth)) {
      const path = `auth.${member}`;
      if (member === 'type' || !(whole || own.fields.includes(path))) continue;
      // A whole `auth` of the base's type keeps the base's secrets unless one was entered.
      const write = whole && SECRET_PATHS.has(path) ? value !== null : differs(path, value, baseAuth[member]);
      if (write) auth[member] = value;
    }
    if (Object.keys(auth).length > 0) overrides.auth = auth;
  }
  const prefix = `environments.${name}.`;
  return {
    overrides: overrides as ConfigOverrides,
    errors: errors
      .filter((error) => isOverridden(form, name, overridePathOf(error.field)))
      .map((error) => ({ ...error, field: prefix + error.field })),
    rowMaps: Object.fromEntries(
      Object.entries(rowMaps)
        .filter(([list]) => isOverridden(form, name, list))
        .map(([list, map]) => [prefix + list, map]),
    ),
  };
}

/** A value that changes exactly when what Save would send changes: the "Unsaved changes" test. */
export function formSnapshot(form: DatasourceForm): string {
  return JSON.stringify([formToConfig(form).config, form.expiresInText.trim(), form.loopbackPortText.trim()]);
}

/**
 * What the field at `path` holds in the form, as text, so an error can be dropped once the
 * person changed that field: rows by their index on screen, number and list fields as typed;
 * `environments.<name>.<field>` in that environment.
 */
export function fieldValue(form: DatasourceForm, path: string): string {
  const { environment, field } = splitEnvironmentPath(path);
  if (environment !== null) return field === '' ? 'null' : fieldValue(effectiveForm(form, environment), field);
  const auth =
    form.authType === 'oauth2'
      ? {
          ...form.oauth2,
          scopes: form.scopesText,
          expiresInOverride: form.expiresInText,
          loopbackPort: form.loopbackPortText,
        }
      : form.authType === 'basic'
        ? form.basic
        : form.authType === 'apiKey'
          ? form.apiKey
          : form.authType === 'bearer'
            ? form.bearer
            : {};
  let value: unknown = { ...form, auth: { type: form.authType, ...auth } };
  for (const part of path.split(/[.[\]]+/).filter((p) => p !== '')) {
    value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[part] : undefined;
  }
  return JSON.stringify(value ?? null);
}

/** `base`, or `base 2`, `base 3` … : the first that no name in `taken` has (case aside). */
export function uniqueName(base: string, taken: string[]): string {
  const used = new Set(taken.map((name) => name.trim().toLowerCase()));
  if (!used.has(base.toLowerCase())) return base;
  for (let n = 2; ; n += 1) {
    const name = `${base} ${n}`;
    if (!used.has(name.toLowerCase())) return name;
  }
}

/** The endpoints discovery fills, in the order the editor shows them, with their labels and inputs. */
type DiscoveredField = 'accessTokenUrl' | 'authorizationUrl' | 'deviceAuthorizationUrl' | 'revocationUrl';

const DISCOVERED_ENDPOINTS: {
  field: DiscoveredField;
  label: string;
  inputId: string;
}[] = [
  { field: 'accessTokenUrl', label: 'Access token URL', inputId: 'ds-auth-accessTokenUrl' },
  { field: 'authorizationUrl', label: 'Authorization URL', inputId: 'ds-auth-authorizationUrl' },
  { field: 'deviceAuthorizationUrl', label: 'Device authorization URL', inputId: 'ds-auth-deviceAuthorizationUrl' },
  { field: 'revocationUrl', label: 'Revocation URL (in Advanced settings)', inputId: 'ds-auth-revocationUrl' },
];

/** The discovered endpoints the grant uses (and the editor shows). */
function discoveredEndpoints(grant: GrantType) {
  const shown = oauthFieldsShown(grant);
  return DISCOVERED_ENDPOINTS.filter(({ field }) => shown.has(field));
}

/** What Discover endpoints did: the fields it filled (labels and input ids) and what stays empty. */
export interface DiscoveryOutcome {
  /** Each filled field with the value discovery put there. */
  filled: {
    field: DiscoveredField;
    label: string;
    inputId: string;
    value: string;
  }[];
  missing: string[];
}

/** Compares the endpoints before (`sent`) and after discovery (`found`). */
export function discoveryOutcome(sent: OAuth2Config, found: OAuth2Config): DiscoveryOutcome {
  const blank = (text: string) => text.trim() === '';
  const endpoints = discoveredEndpoints(found.grantType);
  return {
    filled: endpoints
      .filter(({ field }) => blank(sent[field]) && !blank(found[field]))
      .map(({ field, label, inputId }) => ({ field, label, inputId, value: found[field] })),
    missing: endpoints.filter(({ field }) => blank(found[field])).map(({ label }) => label),
  };
}

/** The line under Discover endpoints: what was filled, and what the issuer does not name. */
export function discoverySummary(outcome: DiscoveryOutcome): string {
  const list = (items: string[]) =>
    items.length === 1 ? items[0] : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
  const filled = outcome.filled.map((f) => f.label);
  const parts = [
    filled.length > 0 ? `Filled from the issuer: ${list(filled)}.` : 'Nothing to fill: the endpoints were already set.',
  ];
  if (outcome.missing.length > 0) parts.push(`The issuer names no ${list(outcome.missing)}.`);
  return parts.join(' ');
}
