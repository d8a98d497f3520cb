// A real OAuth 2.0 / OpenID Connect provider for Latchkey's tests: `oidc-provider` (the certified
// Node implementation) on 127.0.0.1 with an in-memory store and its development login and consent
// pages, plus two routes of our own:
//
//   GET /api/whoami   a protected resource: 200 with the token's client and scope when the bearer
//                     token (Authorization header or `access_token` query parameter) is a live
//                     access token of this provider, 401 otherwise.
//   GET /test/stats   what the provider did: calls per route (token calls per grant type) and the
//                     OAuth errors it answered, so tests can count refreshes; and the same counts
//                     per authenticated client (`clients`: {client_id: {route or token:GRANT: n}}),
//                     so tests that use several clients can tell whose calls they were.
//                     `errorDetails`: the provider's own reason for each refused token or
//                     revocation call (its `error_detail`, never sent to the client), so tests can
//                     tell a refused key from a refused audience.
//                     `tokenParams`: the parameters of each token request read from its body (those
//                     without a Basic header) that are not RFC 6749's or the client
//                     authentication's, so tests see custom token parameters arrive.
//   POST /reg         oidc-provider's own dynamic client registration (RFC 7591), open (no initial
//                     access token): tests register `private_key_jwt` clients with the public JWK
//                     they computed (`jwks`), and get the client_id back.
//   GET /test/issued  every secret value of the flows so far, for tests that check none reaches
//                     where it must not (the desktop app's window): the access, client-credentials
//                     and refresh tokens, authorization codes and device codes issued (opaque, so
//                     each value is the model's jti) and the PKCE code verifiers received, by kind.
//
// Prints one line of JSON to stdout once listening: {"issuer": "...", "port": N}. Exits when its
// stdin closes (the test that started it ended) or on SIGTERM.
//
// Options (environment): PROVIDER_ACCESS_TTL seconds an access token lives (default 3600), so a
// test can make refreshes really happen. PROVIDER_DEVICE_TTL seconds a device code lives
// (default 600), so a test can let one expire. PROVIDER_DEVICE_INTERVAL: the polling interval
// (RFC 8628 §3.2 `interval`) put in the device authorization answer (default 1): oidc-provider
// names none, which means 5 s, and would make every device test wait that long per poll.
//
// PROVIDER_MTLS (JSON: {"key", "cert", "ca", "subjectDn", "selfSigned"}, paths of PEM files but
// `subjectDn`) starts the provider in mutual-TLS mode (RFC 8705) instead: HTTPS with the server
// key and certificate, asking every client for a certificate (`requestCert`, verified against
// `ca` but not required, so the browser's pages work without one), oidc-provider's
// `features.mTLS` on (tls_client_auth, self_signed_tls_client_auth, certificate-bound access
// tokens) and four clients of its own (MTLS_CLIENTS). `/api/whoami` then refuses a token bound
// to a certificate (`x5t#S256`) other than the one the caller presented, and answers the
// binding (`boundTo`); `discovery:certificate` in the stats counts discovery calls that came
// with a client certificate. The test routes are served on a second, plain-http listener on 127.0.0.1
// (`testPort` in the line printed at start) so that tests read them without a certificate.

import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import Provider from 'oidc-provider';

const accessTtl = Number(process.env.PROVIDER_ACCESS_TTL ?? 3600);
const deviceTtl = Number(process.env.PROVIDER_DEVICE_TTL ?? 600);
const deviceInterval = Number(process.env.PROVIDER_DEVICE_INTERVAL ?? 1);

// Test-only credentials, named here so tests can use them; the secrets contain characters that
// RFC 6749 §2.3.1 requires to be form-urlencoded before base64 in the Basic header.
export const CLIENTS = {
  basic: { id: 'cc-basic', secret: 'basic secret/+:%&' },
  post: { id: 'cc-post', secret: 'post secret/+:%&' },
  native: { id: 'native-app' },
  webBasic: { id: 'web-basic', secret: 'web basic secret/+:%&' },
  // client_secret_jwt (RFC 7523 §2.2): the secret signs an HS256 assertion and is never sent.
  ccJwt: { id: 'cc-jwt', secret: 'cc jwt secret/+:%& 0123456789abcdefghij' },
  webJwt: { id: 'web-jwt', secret: 'web jwt secret/+:%& 0123456789abcdefghij' },
  // RFC 8628 device authorization grant: a public client, and a confidential one (Basic header).
  device: { id: 'device-app' },
  deviceBasic: { id: 'device-basic', secret: 'device basic secret/+:%&' },
};

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

// Token request parameters Latchkey sets from its fields; any other is a custom one.
const STANDARD_TOKEN_PARAMS = new Set([
  'grant_type', 'code', 'redirect_uri', 'code_verifier', 'client_id', 'client_secret', 'client_assertion',
  'client_assertion_type', 'refresh_token', 'scope', 'username', 'password', 'audience', 'resource',
  'device_code',
]);

const mtls = process.env.PROVIDER_MTLS ? JSON.parse(process.env.PROVIDER_MTLS) : undefined;

// Mutual-TLS clients (RFC 8705 §2): a client certificate signed by the test CA, registered by its
// subject DN (tls_client_auth), for client credentials and for the code grant with refresh; and
// a self-signed one registered in the client's JWKS as x5c (self_signed_tls_client_auth), for
// client credentials and for the code grant with refresh. Their
// access tokens are bound to the certificate (§3).
export const MTLS_CLIENTS = { cc: 'mtls-cc', web: 'mtls-web', selfSigned: 'mtls-self', webSelfSigned: 'mtls-web-self' };

const server = mtls
  ? https.createServer({
      key: readFileSync(mtls.key),
      cert: readFileSync(mtls.cert),
      ca: readFileSync(mtls.ca),
      requestCert: true,
      rejectUnauthorized: false,
    })
  : http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address();
const issuer = `${mtls ? 'https' : 'http'}://127.0.0.1:${port}`;

// The certificate the caller presented on this connection, as an X509Certificate, if any.
const peerCertificate = (ctx) => {
  const raw = ctx.req.socket.getPeerCertificate?.()?.raw;
  return raw ? new crypto.X509Certificate(raw) : undefined;
};
const thumbprint = (cert) => crypto.createHash('sha256').update(cert.raw).digest('base64url');

const mtlsClients = () => {
  const selfSigned = new crypto.X509Certificate(readFileSync(mtls.selfSigned));
  const jwk = { ...selfSigned.publicKey.export({ format: 'jwk' }), use: 'sig', x5c: [selfSigned.raw.toString('base64')] };
  const common = { grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: 'api:read api:write' };
  const web = {
    application_type: 'native',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: ['http://127.0.0.1/callback'],
    tls_client_certificate_bound_access_tokens: true,
  };
  return [
    {
      ...common,
      client_id: MTLS_CLIENTS.cc,
      token_endpoint_auth_method: 'tls_client_auth',
      tls_client_auth_subject_dn: mtls.subjectDn,
      tls_client_certificate_bound_access_tokens: true,
    },
    {
      ...web,
      client_id: MTLS_CLIENTS.web,
      token_endpoint_auth_method: 'tls_client_auth',
      tls_client_auth_subject_dn: mtls.subjectDn,
    },
    {
      ...web,
      client_id: MTLS_CLIENTS.webSelfSigned,
      token_endpoint_auth_method: 'self_signed_tls_client_auth',
      jwks: { keys: [jwk] },
    },
    {
      ...common,
      client_id: MTLS_CLIENTS.selfSigned,
      token_endpoint_auth_method: 'self_signed_tls_client_auth',
      jwks: { keys: [jwk] },
      tls_client_certificate_bound_access_tokens: true,
    },
  ];
};

const stats = { calls: {}, errors: [], clients: {}, tokenParams: [], errorDetails: [] };
const count = (key) => {
  stats.calls[key] = (stats.calls[key] ?? 0) + 1;
};
const countForClient = (clientId, key) => {
  const calls = (stats.clients[clientId] ??= {});
  calls[key] = (calls[key] ?? 0) + 1;
};

const provider = new Provider(issuer, {
  clients: [
    ...(mtls ? mtlsClients() : []),
    {
      client_id: CLIENTS.basic.id,
      client_secret: CLIENTS.basic.secret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: 'api:read api:write',
    },
    {
      client_id: CLIENTS.post.id,
      client_secret: CLIENTS.post.secret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_post',
      scope: 'api:read api:write',
    },
    {
      // A native (public) client: PKCE required, any loopback port accepted (RFC 8252 §7.3), and
      // the desktop app's own scheme (§7.1).
      client_id: CLIENTS.native.id,
      application_type: 'native',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: ['http://127.0.0.1/callback', 'latchkey://oauth/callback'],
    },
    {
      // A confidential client of the authorization code grant registered as client_secret_basic,
      // as providers such as Zoho or Entra register web apps: the provider refuses its secret
      // in the body (invalid_client), on the code exchange and on every refresh. Native
      // application type, so any loopback port is accepted.
      client_id: CLIENTS.webBasic.id,
      client_secret: CLIENTS.webBasic.secret,
      application_type: 'native',
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: ['http://127.0.0.1/callback'],
    },
    {
      client_id: CLIENTS.ccJwt.id,
      client_secret: CLIENTS.ccJwt.secret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_jwt',
      scope: 'api:read api:write',
    },
    {
      // client_secret_jwt for the code grant and its refreshes (and revocation).
      client_id: CLIENTS.webJwt.id,
      client_secret: CLIENTS.webJwt.secret,
      application_type: 'native',
      token_endpoint_auth_method: 'client_secret_jwt',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: ['http://127.0.0.1/callback'],
    },
    {
      client_id: CLIENTS.device.id,
      application_type: 'native',
      token_endpoint_auth_method: 'none',
      grant_types: [DEVICE_GRANT, 'refresh_token'],
      response_types: [],
      redirect_uris: [],
    },
    {
      client_id: CLIENTS.deviceBasic.id,
      client_secret: CLIENTS.deviceBasic.secret,
      application_type: 'native',
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: [DEVICE_GRANT, 'refresh_token'],
      response_types: [],
      redirect_uris: [],
    },
  ],
  clientAuthMethods: ['none', 'client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt'].concat(
    mtls ? ['tls_client_auth', 'self_signed_tls_client_auth'] : [],
  ),
  scopes: ['openid', 'offline_access', 'api:read', 'api:write'],
  features: {
    clientCredentials: { enabled: true },
    revocation: { enabled: true },
    devInteractions: { enabled: true },
    mTLS: {
      enabled: Boolean(mtls),
      certificateBoundAccessTokens: true,
      tlsClientAuth: true,
      selfSignedTlsClientAuth: true,
      getCertificate: (ctx) => peerCertificate(ctx),
      // Verified against the test CA by Node (`ca`, `requestCert`).
      certificateAuthorized: (ctx) => ctx.req.socket.authorized === true,
      // The registered RFC 4514 DN against the certificate's subject (Node lists the RDNs first
      // to last, one a line; RFC 4514 writes them last to first).
      certificateSubjectMatches: (ctx, property, expected) => {
        const cert = peerCertificate(ctx);
        if (!cert || property !== 'tls_client_auth_subject_dn') return false;
        return cert.subject.split('\n').reverse().join(',') === expected;
      },
    },
    // RFC 7591, open: how tests register a private_key_jwt client's public key at run time.
    registration: { enabled: true, initialAccessToken: false },
    deviceFlow: { enabled: true },
  },
  // Every authorization-code grant gets a refresh token, rotated on each use (public client).
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  rotateRefreshToken: true,
  ttl: {
    AccessToken: accessTtl,
    ClientCredentials: accessTtl,
    AuthorizationCode: 120,
    DeviceCode: deviceTtl,
    Grant: 3600,
    Interaction: 600,
    RefreshToken: 3600,
    Session: 3600,
  },
  cookies: { keys: ['latchkey-test-cookie-key'] },
});
// Tests run on http://127.0.0.1 (https:// in mutual-TLS mode), never behind a proxy.
provider.proxy = false;

const issued = {
  access_token: [],
  client_credentials: [],
  refresh_token: [],
  authorization_code: [],
  device_code: [],
  code_verifier: [],
};
for (const kind of ['access_token', 'client_credentials', 'refresh_token', 'authorization_code', 'device_code']) {
  // `<kind>.saved` comes once the token is stored, before the value is sent to the client.
  provider.on(`${kind}.saved`, (token) => issued[kind].push(token.jti));
}

for (const event of ['grant.error', 'revocation.error']) {
  provider.on(event, (_ctx, err) => {
    stats.errorDetails.push({ event, error: err.error, detail: err.error_detail ?? err.error_description });
  });
}

// Outermost: count what every route did.
provider.use(async (ctx, next) => {
  await next();
  const route = ctx.oidc?.route;
  if (!route) return;
  const grantType = route === 'token' ? ctx.oidc.params?.grant_type : undefined;
  const verifier = route === 'token' ? ctx.oidc.params?.code_verifier : undefined;
  if (verifier && !issued.code_verifier.includes(verifier)) issued.code_verifier.push(verifier);
  if (route === 'device_authorization' && ctx.status === 200 && ctx.body?.device_code) {
    ctx.body = { ...ctx.body, interval: deviceInterval };
  }
  count(grantType ? `token:${grantType}` : route);
  // Whether discovery came with a client certificate (mutual-TLS mode).
  if (route === 'discovery' && mtls && peerCertificate(ctx)) count('discovery:certificate');
  const clientId = ctx.oidc.client?.clientId;
  if (clientId) countForClient(clientId, grantType ? `token:${grantType}` : route);
  if (ctx.status >= 400 && ctx.body && typeof ctx.body === 'object') {
    stats.errors.push({ route, grantType, status: ctx.status, error: ctx.body.error });
  }
});

// oidc-provider 9 takes client_secret_basic and client_secret_post for each other; providers
// that enforce the registered method (Zoho, Entra, Salesforce among them) answer invalid_client.
// The `web-basic` client enforces it as they do (a shim on the real provider: tokens, rotation
// and everything else stay oidc-provider's). Requests without an Authorization header have
// their form body read here and handed on parsed, which oidc-provider accepts.
provider.use(async (ctx, next) => {
  if (ctx.path === '/token' && ctx.method === 'POST' && !ctx.get('authorization') && ctx.is('application/x-www-form-urlencoded')) {
    const chunks = [];
    for await (const chunk of ctx.req) chunks.push(chunk);
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    ctx.request.body = Object.fromEntries(form);
    const custom = [...form.keys()].filter((key) => !STANDARD_TOKEN_PARAMS.has(key));
    if (custom.length) {
      stats.tokenParams.push({
        grantType: form.get('grant_type'),
        clientId: form.get('client_id'),
        params: Object.fromEntries(custom.map((key) => [key, form.get(key)])),
      });
    }
    if (form.get('client_id') === CLIENTS.webBasic.id && form.has('client_secret')) {
      count(`token:${form.get('grant_type')}`);
      stats.errors.push({ route: 'token', grantType: form.get('grant_type'), status: 401, error: 'invalid_client' });
      ctx.status = 401;
      ctx.body = {
        error: 'invalid_client',
        error_description: 'client authentication failed: this client is registered for client_secret_basic',
      };
      return;
    }
  }
  await next();
});

provider.use(async (ctx, next) => {
  if (ctx.path === '/test/stats' && ctx.method === 'GET') {
    ctx.body = stats;
    return;
  }
  if (ctx.path === '/test/issued' && ctx.method === 'GET') {
    ctx.body = issued;
    return;
  }
  if (ctx.path === '/api/whoami') {
    count('api');
    const header = ctx.get('authorization');
    const token = /^bearer /i.test(header) ? header.slice(7).trim() : ctx.query.access_token;
    const found = token
      ? ((await provider.AccessToken.find(token)) ?? (await provider.ClientCredentials.find(token)))
      : undefined;
    if (!found || found.isExpired) {
      ctx.status = 401;
      ctx.set('WWW-Authenticate', 'Bearer error="invalid_token"');
      ctx.body = { error: 'invalid_token' };
      return;
    }
    // RFC 8705 §3: a certificate-bound token only with the certificate it is bound to.
    const bound = found['x5t#S256'];
    const presented = peerCertificate(ctx);
    if (bound && (!presented || thumbprint(presented) !== bound)) {
      count('api:unbound');
      ctx.status = 401;
      ctx.set('WWW-Authenticate', 'Bearer error="invalid_token", error_description="certificate binding"');
      ctx.body = { error: 'invalid_token', error_description: 'the token is bound to another client certificate' };
      return;
    }
    ctx.body = {
      clientId: found.clientId,
      accountId: found.accountId ?? null,
      scope: found.scope ?? '',
      boundTo: bound ?? null,
    };
    return;
  }
  await next();
});

server.on('request', provider.callback());
// In mutual-TLS mode the test routes are read over plain http, without a certificate.
let testPort = port;
let testServer;
if (mtls) {
  testServer = http.createServer((req, res) => {
    const body = { '/test/stats': stats, '/test/issued': issued }[req.url];
    const text = JSON.stringify(body ?? { error: 'not_found' });
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  });
  await new Promise((resolve) => testServer.listen(0, '127.0.0.1', resolve));
  testPort = testServer.address().port;
}
process.stdout.write(`${JSON.stringify({ issuer, port, testPort })}\n`);

const stop = () => {
  testServer?.close();
  server.close();
  server.closeAllConnections();
  process.exit(0);
};
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
