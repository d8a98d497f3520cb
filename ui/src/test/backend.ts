// A fake desktop backend for component tests: `mockIPC` answers the commands the UI invokes
// (through the real ui/src/api.ts) and records each call with its arguments, so a test can
// assert on what would have been sent. The jsdom clipboard stands for the system clipboard the
// Rust side writes (`copy_text`).
import { mockIPC } from '@tauri-apps/api/mocks';
import type { Datasource } from '../bindings/Datasource';
import type { SavedDatasource } from '../bindings/SavedDatasource';
import type { DatasourceConfig } from '../bindings/DatasourceConfig';
import type { Environment } from '../bindings/Environment';
import type { EnvironmentSummary } from '../bindings/EnvironmentSummary';
import type { ErrorPayload } from '../bindings/ErrorPayload';
import type { FieldError } from '../bindings/FieldError';
import type { ResponseView } from '../bindings/ResponseView';
import type { SecretField } from '../bindings/SecretField';

export type Args = Record<string, unknown>;
export type Handler = (args: Args) => unknown;

export interface Call {
  cmd: string;
  args: Args;
}

export interface Backend {
  calls: Call[];
  /** The arguments of every call of `cmd`, oldest first. */
  argsOf: (cmd: string) => Args[];
}

/** The environment every vault starts with, as the switcher lists it. */
export const DEFAULT_ENV: EnvironmentSummary = { id: 'env_default', name: 'default', production: false, variables: 0 };

/** An environment as `get_environment` answers (secret values as `{ set: true }`). */
export function environment(overrides: Partial<Environment> = {}): Environment {
  return {
    id: 'env_default',
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
    name: 'default',
    production: false,
    variables: [],
    ...overrides,
  };
}

/** Commands the screens call on their own when they mount, answered with "nothing yet". */
const DEFAULTS: Record<string, Handler> = {
  list_environments: () => [DEFAULT_ENV],
  get_environment: (args) => environment({ id: args.id as string }),
  presets: () => [],
  list_queries: () => [],
  history: () => [],
  store_notices: () => [],
  shared_folder: () => ({ folder: null, lastFingerprint: null }),
  check_destinations: () => ({ movedSecrets: [], tokensDropped: null }),
  token_details: () => ({
    state: {
      status: 'not_authorized',
      reason: null,
      tokenType: '',
      scopes: [],
      obtainedAt: null,
      expiresAt: null,
      hasRefreshToken: false,
      lastError: null,
    },
    requestedScopes: [],
    missingScopes: [],
    accessTokenJwt: null,
    idToken: null,
    calls: [],
  }),
  copy_text: (args) => navigator.clipboard.writeText(args.text as string),
};

/**
 * Installs the fake backend. A handler may return a value, a promise, or throw (the invoke
 * rejects with what it threw, as Tauri rejects with the command's ErrorPayload). A command
 * with no handler rejects, so an unexpected call cannot pass silently.
 */
export function mockBackend(handlers: Record<string, Handler> = {}): Backend {
  const calls: Call[] = [];
  const all = { ...DEFAULTS, ...handlers };
  mockIPC(
    (cmd, payload) => {
      const args = structuredClone((payload ?? {}) as Args);
      calls.push({ cmd, args });
      const handler = all[cmd];
      if (!handler) throw new Error(`unexpected command ${cmd}`);
      return handler(args);
    },
    { shouldMockEvents: true },
  );
  return {
    calls,
    argsOf: (cmd) => calls.filter((call) => call.cmd === cmd).map((call) => call.args),
  };
}

/** An `invalid_input` rejection as the core sends it. */
export function invalidInput(message: string, fields: FieldError[]): ErrorPayload {
  return { code: 'invalid_input', message, field: fields[0]?.field ?? null, fields, provider: null };
}

/** What the core reads back for a secret slot: whether it is set, never the value. */
function stored(secret: SecretField): SecretField {
  return { set: typeof secret === 'string' ? secret !== '' : secret !== null && secret.set };
}

/** What the core answers a save of `config` with: the datasource (secrets as `{ set }`) and
 * why its tokens were dropped, if they were. */
export function savedDatasource(
  id: string,
  config: DatasourceConfig,
  tokensDropped: string | null = null,
): SavedDatasource {
  return { datasource: storedDatasource(id, config), tokensDropped };
}

/** The datasource the core would return after saving `config` (secrets as `{ set }`). */
export function storedDatasource(id: string, config: DatasourceConfig): Datasource {
  const auth = { ...config.auth } as Datasource['auth'];
  if (auth.type === 'basic') auth.password = stored(auth.password);
  if (auth.type === 'apiKey') auth.value = stored(auth.value);
  if (auth.type === 'bearer') auth.token = stored(auth.token);
  if (auth.type === 'oauth2') {
    auth.clientSecret = stored(auth.clientSecret);
    auth.password = stored(auth.password);
    auth.clientAssertionKey = stored(auth.clientAssertionKey);
  }
  return {
    ...config,
    id,
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
    signatureSecret: stored(config.signatureSecret),
    selfSignedCertificate: stored(config.selfSignedCertificate),
    clientCertificateKey: stored(config.clientCertificateKey),
    clientCertificatePassphrase: stored(config.clientCertificatePassphrase),
    ...(config.proxy === undefined || config.proxy === 'system'
      ? {}
      : {
          proxy:
            typeof config.proxy === 'string'
              ? config.proxy
              : { ...config.proxy, password: stored(config.proxy.password) },
        }),
    auth,
  };
}

export function datasource(overrides: Partial<Datasource> = {}): Datasource {
  return {
    id: 'ds-1',
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
    name: 'Example',
    url: 'https://api.example.com/v1',
    allowInsecureHttp: false,
    headers: [],
    queryParams: [],
    sendSignatureHeader: false,
    signatureSecret: { set: false },
    selfSignedCertificate: { set: false },
    clientCertificate: '',
    clientCertificateKey: { set: false },
    clientCertificatePassphrase: { set: false },
    auth: { type: 'none' },
    environments: {},
    ...overrides,
  };
}

export function response(overrides: Partial<ResponseView> = {}): ResponseView {
  return {
    status: 200,
    reason: 'OK',
    version: 'HTTP/1.1',
    headers: [{ key: 'content-type', value: 'text/plain' }],
    contentType: 'text/plain',
    size: 2,
    timings: { firstByteMs: 1, totalMs: 2 },
    sent: { method: 'GET', url: 'https://api.example.com/v1', headers: [], body: '' },
    text: 'ok',
    truncated: false,
    imageDataUrl: null,
    bodyId: 'body-1',
    historyId: 'history-1',
    ...overrides,
  };
}
