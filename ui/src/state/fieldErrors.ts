// The field errors a rejected call carries, for the editor and the request tester alike: the
// core's `ErrorPayload.fields`, or its single `field` with the message. No React here.
import { isErrorPayload } from '../api';
import type { FieldError } from '../bindings/FieldError';

/** The field errors of `error`; none when it is not an `ErrorPayload` or names no field. */
export function fieldErrorsOf(error: unknown): FieldError[] {
  if (!isErrorPayload(error)) return [];
  if (error.fields.length > 0) return error.fields;
  return error.field ? [{ field: error.field, message: error.message }] : [];
}

/** The labels the editor and the tester show, by the core's field path (rows aside). */
const LABELS: Record<string, string> = {
  name: 'Name',
  url: 'URL',
  allowInsecureHttp: 'Allow insecure HTTP',
  headers: 'Headers',
  queryParams: 'Query parameters',
  sendSignatureHeader: 'Send signature header',
  signatureSecret: 'Signature secret',
  selfSignedCertificate: 'Certificate (PEM)',
  clientCertificate: 'Client certificate (PEM)',
  clientCertificateKey: 'Client certificate key',
  clientCertificatePassphrase: 'Key passphrase',
  proxy: 'Proxy server',
  'proxy.url': 'Proxy URL',
  'proxy.username': 'Proxy username',
  'proxy.password': 'Proxy password',
  'auth.grantType': 'Grant type',
  'auth.addTokenTo': 'Add access token to',
  'auth.headerPrefix': 'Header prefix',
  'auth.accessTokenUrl': 'Access token URL',
  'auth.clientId': 'Client ID',
  'auth.clientSecret': 'Client secret',
  'auth.username': 'Username',
  'auth.password': 'Password',
  'auth.scopes': 'Scopes',
  'auth.authorizationUrl': 'Authorization URL',
  'auth.deviceAuthorizationUrl': 'Device authorization URL',
  'auth.customAuthParams': 'Custom authentication parameters',
  'auth.clientAuthentication': 'Client authentication',
  'auth.clientAssertionKey': 'Private key',
  'auth.clientAssertionAlg': 'Algorithm',
  'auth.clientAssertionKid': 'Key ID',
  'auth.customTokenParams': 'Custom token parameters',
  'auth.sendCustomTokenParamsWithRefresh': 'Send custom token parameters with refresh token',
  'auth.audience': 'Audience',
  'auth.resource': 'Resource',
  'auth.expiresInOverride': 'Authorization expires in (seconds)',
  'auth.sendScopeWithRefreshToken': 'Send scope with refresh token',
  'auth.refreshClientAuthentication': 'Send client credentials with (on refresh token)',
  'auth.pkce': 'Use PKCE',
  'auth.redirect': 'Redirect',
  'auth.loopbackPort': 'Loopback port',
  'auth.issuer': 'Issuer',
  'auth.revocationUrl': 'Revocation URL',
  'auth.useSelfSignedCertForAuth': 'Use self-signed certificate for authorization requests',
  'auth.key': 'Key',
  'auth.value': 'Value',
  'auth.addTo': 'Add to',
  'auth.token': 'Bearer token',
  method: 'Method',
  path: 'Path',
  body: 'Body',
  'body.text': 'Body',
  'body.path': 'Body file',
};

/**
 * What a person calls the field at `path`: "Client ID" for `auth.clientId`, "Headers row 3
 * name" for `headers[2].key`. An unknown path is shown as it is.
 */
export function fieldLabel(path: string): string {
  const row = /^(.*?)\[(\d+)\](?:\.(\w+))?$/.exec(path);
  if (row) {
    const [, list, index, part] = row;
    const listLabel = LABELS[list] ?? list;
    const partLabel = part === 'key' ? ' name' : part === 'value' ? ' value' : part ? ` ${part}` : '';
    return `${listLabel} row ${Number(index) + 1}${partLabel}`;
  }
  return LABELS[path] ?? path;
}

/** "Client ID and Name need attention." for the banner over a form with field errors. */
export function needAttention(errors: FieldError[]): string {
  const labels = [...new Set(errors.map((error) => fieldLabel(error.field)))];
  if (labels.length === 0) return 'Some fields need attention: see the messages under them.';
  const list = labels.length === 1 ? labels[0] : `${labels.slice(0, -1).join(', ')} and ${labels[labels.length - 1]}`;
  return `${list} ${labels.length === 1 ? 'needs' : 'need'} attention.`;
}
