// The datasource editor's state as plain data and the functions between it and the core's
// `DatasourceConfig`: defaults, loading, presets, what is sent on save, and which fields show
// for which authentication type and grant. No React here.
import type { ApiKeyAuth } from '../bindings/ApiKeyAuth';
import type { AuthType } from '../bindings/AuthType';
import type { BasicAuth } from '../bindings/BasicAuth';
import type { BearerAuth } from '../bindings/BearerAuth';
import type { Datasource } from '../bindings/Datasource';
import type { DatasourceConfig } from '../bindings/DatasourceConfig';
import { DEFAULTS } from '../bindings/defaultValues';
import type { FieldError } from '../bindings/FieldError';
import type { GrantType } from '../bindings/GrantType';
import type { OAuth2Config } from '../bindings/OAuth2Config';
import type { Preset } from '../bindings/Preset';
import type { SecretField } from '../bindings/SecretField';
import { compactRows, isBlankRow, type RowMaps } from './rows';

/** The port the core uses when a datasource names none (generated from Rust). */
export const DEFAULT_LOOPBACK_PORT = DEFAULTS.loopbackPort;

/**
 * Everything the editor holds. Each authentication type keeps its own fields so switching the
 * type back and forth loses nothing; only the selected one is saved. Number and list fields
 * that are typed as text keep the text as typed.
 */
export interface DatasourceForm {
  name: string;
  url: string;
  allowInsecureHttp: boolean;
  headers: { key: string; value: string }[];
  queryParams: { key: string; value: string }[];
  sendSignatureHeader: boolean;
  signatureSecret: SecretField;
  useCertificate: boolean;
  selfSignedCertificate: SecretField;
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
    authType: 'none',
    basic: { username: '', password: null },
    apiKey: { key: '', value: null, addTo: 'header', headerPrefix: '' },
    bearer: { token: null },
    oauth2: defaultOAuth2(),
    scopesText: '',
    expiresInText: '',
    loopbackPortText: String(DEFAULT_LOOPBACK_PORT),
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

export function formFromDatasource(datasource: Datasource): DatasourceForm {
  const form: DatasourceForm = {
    ...emptyForm(),
    name: datasource.name,
    url: datasource.url,
    allowInsecureHttp: datasource.allowInsecureHttp,
    headers: datasource.headers.map((row) => ({ ...row })),
    queryParams: datasource.queryParams.map((row) => ({ ...row })),
    sendSignatureHeader: datasource.sendSignatureHeader,
    signatureSecret: normalizeSecret(datasource.signatureSecret),
    useCertificate: isSecretSaved(datasource.selfSignedCertificate),
    selfSignedCertificate: normalizeSecret(datasource.selfSignedCertificate),
    authType: datasource.auth.type,
  };
  const auth = datasource.auth;
  switch (auth.type) {
    case 'none':
      break;
    case 'basic':
      form.basic = { username: auth.username, password: normalizeSecret(auth.password) };
      break;
    case 'apiKey':
      form.apiKey = {
        key: auth.key,
        value: normalizeSecret(auth.value),
        addTo: auth.addTo,
        headerPrefix: auth.headerPrefix,
      };
      break;
    case 'bearer':
      form.bearer = { token: normalizeSecret(auth.token) };
      break;
    case 'oauth2': {
      const { type: _type, ...config } = auth;
      form.oauth2 = {
        ...defaultOAuth2(),
        ...config,
        clientSecret: normalizeSecret(config.clientSecret),
        password: normalizeSecret(config.password),
        customAuthParams: config.customAuthParams.map((row) => ({ ...row })),
      };
      Object.assign(form, oauthTexts(form.oauth2));
      break;
    }
  }
  return form;
}

/** Starts a new datasource from a provider: its URL when none was typed, and its OAuth 2.0 setup. */
export function applyPreset(form: DatasourceForm, preset: Preset): DatasourceForm {
  const oauth2: OAuth2Config = {
    ...defaultOAuth2(),
    ...preset.auth,
    clientId: form.oauth2.clientId || preset.auth.clientId,
    clientSecret: form.oauth2.clientSecret,
    password: form.oauth2.password,
    customAuthParams: preset.auth.customAuthParams.map((row) => ({ ...row })),
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
    'refreshClientAuthentication',
    'pkce',
    'redirect',
    'loopbackPort',
  ],
  client_credentials: [],
  password: ['username', 'password'],
};

/** The OAuth 2.0 fields the editor shows for `grant`. */
export function oauthFieldsShown(grant: GrantType): Set<OAuthField> {
  return new Set([...COMMON_OAUTH_FIELDS, ...GRANT_FIELDS[grant]]);
}

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

/** Whether the editor currently shows the field at `path`, so its errors can go under it. */
export function isFieldShown(form: DatasourceForm, path: string): boolean {
  if (path === 'name' || path === 'url') return true;
  if (path === 'allowInsecureHttp') return form.allowInsecureHttp || needsInsecureHttp(form);
  if (path === 'auth.useSelfSignedCertForAuth') return form.authType === 'oauth2' && form.useCertificate;
  if (path === 'signatureSecret') return form.sendSignatureHeader;
  if (path === 'selfSignedCertificate') return form.useCertificate;
  if (/^(headers|queryParams)\[\d+\]\.(key|value)$/.test(path)) return true;
  if (!path.startsWith('auth.')) return false;
  const field = path.slice('auth.'.length).replace(/\[.*$/, '');
  if (form.authType === 'oauth2') return oauthFieldsShown(form.oauth2.grantType).has(field as OAuthField);
  return AUTH_FIELDS[form.authType].includes(field);
}

function parseWholeNumber(text: string): number | null {
  return /^\s*\d+\s*$/.test(text) ? Number(text) : null;
}

/**
 * What Save sends, problems the form can tell before asking the core (number fields), and the
 * index maps that turn the core's row paths back into the rows on screen.
 */
export function formToConfig(form: DatasourceForm): {
  config: DatasourceConfig;
  errors: FieldError[];
  rowMaps: RowMaps;
} {
  const errors: FieldError[] = [];
  const headers = compactRows(form.headers, isBlankRow);
  const queryParams = compactRows(form.queryParams, isBlankRow);
  const customAuthParams = compactRows(form.oauth2.customAuthParams, isBlankRow);
  const rowMaps: RowMaps = {
    headers: headers.sourceIndex,
    queryParams: queryParams.sourceIndex,
    'auth.customAuthParams': customAuthParams.sourceIndex,
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
        if (expiresInOverride === null && authorizationCode) {
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
        scopes: parseScopes(form.scopesText),
        customAuthParams: customAuthParams.rows,
        expiresInOverride,
        loopbackPort,
        useSelfSignedCertForAuth: form.useCertificate && form.oauth2.useSelfSignedCertForAuth,
      };
      break;
    }
  }

  const config: DatasourceConfig = {
    name: form.name,
    url: form.url,
    allowInsecureHttp: form.allowInsecureHttp,
    headers: headers.rows,
    queryParams: queryParams.rows,
    sendSignatureHeader: form.sendSignatureHeader,
    signatureSecret: form.sendSignatureHeader ? normalizeSecret(form.signatureSecret) : null,
    selfSignedCertificate: form.useCertificate ? normalizeSecret(form.selfSignedCertificate) : null,
    auth,
  };
  return { config, errors, rowMaps };
}

/** A value that changes exactly when what Save would send changes: the "Unsaved changes" test. */
export function formSnapshot(form: DatasourceForm): string {
  return JSON.stringify([formToConfig(form).config, form.expiresInText.trim(), form.loopbackPortText.trim()]);
}

/**
 * What the field at `path` holds in the form, as text, so an error can be dropped once the
 * person changed that field: rows by their index on screen, number and list fields as typed.
 */
export function fieldValue(form: DatasourceForm, path: string): string {
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
const DISCOVERED_ENDPOINTS: {
  field: 'accessTokenUrl' | 'authorizationUrl' | 'revocationUrl';
  label: string;
  inputId: string;
}[] = [
  { field: 'accessTokenUrl', label: 'Access token URL', inputId: 'ds-auth-accessTokenUrl' },
  { field: 'authorizationUrl', label: 'Authorization URL', inputId: 'ds-auth-authorizationUrl' },
  { field: 'revocationUrl', label: 'Revocation URL (in Advanced settings)', inputId: 'ds-auth-revocationUrl' },
];

/** What Discover endpoints did: the fields it filled (labels and input ids) and what stays empty. */
export interface DiscoveryOutcome {
  /** Each filled field with the value discovery put there. */
  filled: {
    field: 'accessTokenUrl' | 'authorizationUrl' | 'revocationUrl';
    label: string;
    inputId: string;
    value: string;
  }[];
  missing: string[];
}

/** Compares the endpoints before (`sent`) and after discovery (`found`). */
export function discoveryOutcome(sent: OAuth2Config, found: OAuth2Config): DiscoveryOutcome {
  const blank = (text: string) => text.trim() === '';
  return {
    filled: DISCOVERED_ENDPOINTS.filter(({ field }) => blank(sent[field]) && !blank(found[field])).map(
      ({ field, label, inputId }) => ({ field, label, inputId, value: found[field] }),
    ),
    missing: DISCOVERED_ENDPOINTS.filter(({ field }) => blank(found[field])).map(({ label }) => label),
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
