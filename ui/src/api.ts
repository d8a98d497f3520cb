// The desktop commands, typed: the only place the UI calls `invoke`. Every shape comes from the
// ts-rs bindings generated from the Rust types. A rejected call carries an `ErrorPayload`.
// Calls that send, authorize or show token state are for one environment: the `environmentId`
// given, else the window's active one (state/environment.ts).
import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type { AppliedImport } from './bindings/AppliedImport';
import type { AuthorizationStarted } from './bindings/AuthorizationStarted';
import type { ClientAssertionAlg } from './bindings/ClientAssertionAlg';
import type { DeviceCodeStarted } from './bindings/DeviceCodeStarted';
import type { DirPlan } from './bindings/DirPlan';
import type { DirStatus } from './bindings/DirStatus';
import type { ExportSummary } from './bindings/ExportSummary';
import type { CurlCopy } from './bindings/CurlCopy';
import type { Datasource } from './bindings/Datasource';
import type { DatasourceConfig } from './bindings/DatasourceConfig';
import { DEFAULTS } from './bindings/defaultValues';
import type { DatasourceId } from './bindings/DatasourceId';
import type { DatasourceSummary } from './bindings/DatasourceSummary';
import type { DestinationCheck } from './bindings/DestinationCheck';
import type { Disconnected } from './bindings/Disconnected';
import type { Environment } from './bindings/Environment';
import type { EnvironmentConfig } from './bindings/EnvironmentConfig';
import type { EnvironmentId } from './bindings/EnvironmentId';
import type { EnvironmentSummary } from './bindings/EnvironmentSummary';
import type { ErrorPayload } from './bindings/ErrorPayload';
import type { HistoryEntry } from './bindings/HistoryEntry';
import type { ImportSource } from './bindings/ImportSource';
import type { OAuth2Config } from './bindings/OAuth2Config';
import type { PastedRequest } from './bindings/PastedRequest';
import type { PickedFile } from './bindings/PickedFile';
import type { Preset } from './bindings/Preset';
import type { ProxyConfig } from './bindings/ProxyConfig';
import type { PublicKeyToRegister } from './bindings/PublicKeyToRegister';
import type { RequestSpec } from './bindings/RequestSpec';
import type { ResponseView } from './bindings/ResponseView';
import type { ReviewedImport } from './bindings/ReviewedImport';
import type { SavedDatasource } from './bindings/SavedDatasource';
import type { SavedEnvironment } from './bindings/SavedEnvironment';
import type { SavedQuery } from './bindings/SavedQuery';
import type { SharedFolderInfo } from './bindings/SharedFolderInfo';
import type { TokenProblem } from './bindings/TokenProblem';
import type { TokenDetails } from './bindings/TokenDetails';
import type { TokenState } from './bindings/TokenState';
import { activeEnvironmentId } from './state/environment';

export const api = {
  storeNotices: () => invoke<string[]>('store_notices'),

  listEnvironments: () => invoke<EnvironmentSummary[]>('list_environments'),
  /** Secret values come back as `{ set: true }`, never as values. */
  getEnvironment: (id: EnvironmentId) => invoke<Environment>('get_environment', { id }),
  createEnvironment: (name: string, production: boolean) =>
    invoke<Environment>('create_environment', { name, production }),
  /**
   * Replaces name, production marker and variables. A secret value sent as a string replaces it,
   * `{ set: true }` keeps the stored one. Rejects with field errors (`variables[i].key`).
   */
  saveEnvironment: (id: EnvironmentId, config: EnvironmentConfig) =>
    invoke<SavedEnvironment>('save_environment', { id, config }),
  /** Deletes it with its variables, tokens and every datasource's overrides for it. */
  deleteEnvironment: (id: EnvironmentId) => invoke<void>('delete_environment', { id }),

  /** Every datasource, with its token badge in the environment. */
  listDatasources: (environmentId: EnvironmentId = activeEnvironmentId()) =>
    invoke<DatasourceSummary[]>('list_datasources', { environmentId }),
  /** Secrets come back as `{ set: boolean }`, never as values. */
  getDatasource: (id: DatasourceId) => invoke<Datasource>('get_datasource', { id }),
  /**
   * Creates (`id` null) or updates a datasource. A secret slot sent as a string replaces the
   * secret; `{ set: true }` keeps the stored one; `null` clears it. Rejects with field errors.
   */
  saveDatasource: (id: DatasourceId | null, config: DatasourceConfig) =>
    invoke<SavedDatasource>('save_datasource', { id, config }),
  /**
   * What saving `config` over datasource `id` would ask for again: saved secrets whose
   * destination moved (a field error each) and the reason its tokens would be dropped.
   */
  checkDestinations: (id: DatasourceId, config: DatasourceConfig) =>
    invoke<DestinationCheck>('check_destinations', { id, config }),
  deleteDatasource: (id: DatasourceId) => invoke<void>('delete_datasource', { id }),

  presets: () => invoke<Preset[]>('presets'),
  /**
   * The public JWK to register for `private_key_jwt`: of `key` (the private key just typed), or
   * with `key` null, of the key saved for datasource `id` in environment `environmentId`.
   */
  clientPublicKey: (request: {
    key: string | null;
    id: DatasourceId | null;
    environmentId: EnvironmentId | null;
    alg: ClientAssertionAlg;
    kid: string;
  }) => invoke<PublicKeyToRegister>('client_public_key', request),
  /**
   * Fills the empty endpoints of `auth` from `auth.issuer` (OpenID Connect / RFC 8414 discovery),
   * through the datasource's `proxy` (the system's when not given).
   */
  discover: (auth: OAuth2Config, proxy?: ProxyConfig) => invoke<OAuth2Config>('discover', { auth, proxy }),

  /** Save and Authorize / Save and Test. Emits `authorization-started` once the browser opens. */
  authorize: (id: DatasourceId, environmentId: EnvironmentId = activeEnvironmentId()) =>
    invoke<TokenState>('authorize', { id, environmentId }),
  cancelAuthorization: () => invoke<void>('cancel_authorization'),
  /** Opens the verification page of the device code authorization in progress in the system browser. */
  openDevicePage: () => invoke<void>('open_device_page'),
  tokenState: (id: DatasourceId, environmentId: EnvironmentId = activeEnvironmentId()) =>
    invoke<TokenState>('token_state', { id, environmentId }),
  /** The token panel: state, scopes, decoded JWT header and claims (never a token), call log. */
  tokenDetails: (id: DatasourceId, environmentId: EnvironmentId = activeEnvironmentId()) =>
    invoke<TokenDetails>('token_details', { id, environmentId }),
  /** Refresh now: refreshes (or fetches again) the token, due or not. */
  refreshTokenNow: (id: DatasourceId, environmentId: EnvironmentId = activeEnvironmentId()) =>
    invoke<TokenState>('refresh_token_now', { id, environmentId }),
  /** Forgets the tokens, revoking them where the datasource has a Revocation URL; says which. */
  disconnect: (id: DatasourceId, environmentId: EnvironmentId = activeEnvironmentId()) =>
    invoke<Disconnected>('disconnect', { id, environmentId }),
  onAuthorizationStarted: (handler: (event: AuthorizationStarted) => void): Promise<UnlistenFn> =>
    listen<AuthorizationStarted>('authorization-started', (event) => handler(event.payload)),
  /** A device code datasource's code came: show it until the authorization ends. */
  onDeviceCodeStarted: (handler: (event: DeviceCodeStarted) => void): Promise<UnlistenFn> =>
    listen<DeviceCodeStarted>('device-code-started', (event) => handler(event.payload)),
  /** A background refresh failed (`needsAuthorization`: a person must authorize again). */
  onTokenProblem: (handler: (event: TokenProblem) => void): Promise<UnlistenFn> =>
    listen<TokenProblem>('token-problem', (event) => handler(event.payload)),

  listQueries: (datasourceId: DatasourceId) => invoke<SavedQuery[]>('list_queries', { datasourceId }),
  /** Saves `request` as `name`; with `previousName` set, renames that query. */
  saveQuery: (datasourceId: DatasourceId, name: string, request: RequestSpec, previousName: string | null = null) =>
    invoke<SavedQuery>('save_query', { datasourceId, name, request, previousName }),
  deleteQuery: (datasourceId: DatasourceId, name: string) => invoke<void>('delete_query', { datasourceId, name }),

  /** Sends through the datasource; `requestId` lets `cancelRequest` stop it. */
  sendRequest: (
    datasourceId: DatasourceId,
    request: RequestSpec,
    requestId: string,
    queryName: string | null,
    environmentId: EnvironmentId = activeEnvironmentId(),
  ) => invoke<ResponseView>('send_request', { datasourceId, environmentId, request, requestId, queryName }),
  cancelRequest: (requestId: string) => invoke<void>('cancel_request', { requestId }),
  /** Newest first; `before` (a `createdAt`) pages back. */
  history: (datasourceId: DatasourceId, before: number | null, limit: number) =>
    invoke<HistoryEntry[]>('history', { datasourceId, before, limit }),
  /**
   * Asks where to save (a save dialog opened by the Rust side, `fileName` suggested) and writes
   * the whole body of a shown response there: the saved path, or `null` when cancelled.
   */
  saveResponseBody: (bodyId: string, fileName: string) =>
    invoke<string | null>('save_response_body', { bodyId, fileName }),
  /**
   * Puts a curl command line for the request on the clipboard (with the secrets when
   * `includeSecrets`, copied by the Rust side) and answers with the redacted command only.
   */
  copyCurlCommand: (
    datasourceId: DatasourceId,
    request: RequestSpec,
    includeSecrets: boolean,
    environmentId: EnvironmentId = activeEnvironmentId(),
  ) => invoke<CurlCopy>('copy_curl_command', { datasourceId, environmentId, request, includeSecrets }),
  /** A file dialog opened by the Rust side: the picked body file's handle, `null` when cancelled. */
  pickBodyFile: (title: string) => invoke<PickedFile | null>('pick_body_file', { title }),
  /** A file dialog opened by the Rust side for a file to import: its handle, `null` when cancelled. */
  pickImportFile: (title: string) => invoke<PickedFile | null>('pick_import_file', { title }),
  /**
   * The plan of importing `source` as `format` (`null`: detected), stores nothing; secrets only
   * as `{ set: true }` markers and counted by field. Rejects with field errors naming the file and item.
   */
  planImport: (source: ImportSource, format: string | null) =>
    invoke<ReviewedImport>('plan_import', { source, format }),
  /** Plans `source` again and stores it in one transaction, refused unless it is the plan reviewed. */
  applyImport: (source: ImportSource, format: string | null, fingerprint: string) =>
    invoke<AppliedImport>('apply_import', { source, format, fingerprint }),
  /** A curl command as a request through the datasource (never with the command's credentials). */
  requestFromCurl: (datasourceId: DatasourceId, text: string, environmentId: EnvironmentId = activeEnvironmentId()) =>
    invoke<PastedRequest>('request_from_curl', { datasourceId, environmentId, text }),
  /** Puts `text` (something already shown) on the system clipboard. */
  copyText: (text: string) => invoke<void>('copy_text', { text }),

  /** The shared folder (a `latchkey export --dir` folder): its path for display, never sent back. */
  sharedFolder: () => invoke<SharedFolderInfo>('shared_folder'),
  /** Opens the folder dialog (Rust side) and remembers the folder; null when cancelled. */
  chooseSharedFolder: (title: string) => invoke<SharedFolderInfo | null>('choose_shared_folder', { title }),
  forgetSharedFolder: () => invoke<SharedFolderInfo>('forget_shared_folder'),
  /** The fingerprint of the folder's files now (reads only the folder). */
  sharedFolderFingerprint: () => invoke<string>('shared_folder_fingerprint'),
  /** What importing the folder would do now; rejects with the refused files' field errors. */
  sharedFolderStatus: () => invoke<DirStatus>('shared_folder_status'),
  /** Imports the folder (deleting what it no longer has with `prune`); returns what it did. */
  importSharedFolder: (prune: boolean) => invoke<DirPlan>('import_shared_folder', { prune }),
  exportSharedFolder: () => invoke<ExportSummary>('export_shared_folder'),
};

export function isErrorPayload(value: unknown): value is ErrorPayload {
  return (
    typeof value === 'object' &&
    value !== null &&
    'message' in value &&
    typeof (value as { message: unknown }).message === 'string' &&
    'code' in value
  );
}

/** The text to show for a rejected call: the core's message, or what Tauri itself said. */
export function errorMessage(error: unknown): string {
  if (isErrorPayload(error)) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** The Redirect URL to register with the provider for an authorization-code datasource (the core's URLs, generated). */
export function redirectUrl(auth: Pick<OAuth2Config, 'redirect' | 'loopbackPort'>): string {
  if (auth.redirect === 'deep_link') return DEFAULTS.deepLinkRedirectUri;
  return auth.loopbackPort === 0
    ? `${DEFAULTS.loopbackRedirectUri.replace(':{port}', '')} (any free port)`
    : DEFAULTS.loopbackRedirectUri.replace('{port}', String(auth.loopbackPort));
}
