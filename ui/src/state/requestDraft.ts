// The request tester's state as plain data: a draft keeps every body mode's input so switching
// modes loses nothing; `draftToSpec` builds the `RequestSpec` that is sent. No React here.
import type { KeyValue } from '../bindings/KeyValue';
import type { MultipartPart } from '../bindings/MultipartPart';
import type { RequestBody } from '../bindings/RequestBody';
import type { RequestSpec } from '../bindings/RequestSpec';
import type { SavedQuery } from '../bindings/SavedQuery';
import { compactRows, isBlankRow, type RowMaps } from './rows';

export type BodyMode = RequestBody['type'];

export const BODY_MODES: { value: BodyMode; label: string }[] = [
  { value: 'none', label: 'None' },
  { value: 'json', label: 'JSON' },
  { value: 'raw', label: 'Raw' },
  { value: 'formUrlencoded', label: 'Form (URL-encoded)' },
  { value: 'multipart', label: 'Multipart form' },
  { value: 'binary', label: 'Binary file' },
];

export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/** A multipart row as edited: text or file, with both inputs kept. */
export interface PartDraft {
  key: string;
  kind: 'text' | 'file';
  value: string;
  file: string;
  contentType: string;
}

export interface RequestDraft {
  method: string;
  path: string;
  headers: KeyValue[];
  queryParams: KeyValue[];
  bodyMode: BodyMode;
  jsonText: string;
  rawText: string;
  rawContentType: string;
  formFields: KeyValue[];
  parts: PartDraft[];
  binaryPath: string;
  binaryContentType: string;
}

export function emptyDraft(): RequestDraft {
  return {
    method: 'GET',
    path: '',
    headers: [],
    queryParams: [],
    bodyMode: 'none',
    jsonText: '',
    rawText: '',
    rawContentType: 'text/plain',
    formFields: [],
    parts: [],
    binaryPath: '',
    binaryContentType: 'application/octet-stream',
  };
}

export function draftFromSpec(spec: RequestSpec): RequestDraft {
  const draft: RequestDraft = {
    ...emptyDraft(),
    method: spec.method.trim() === '' ? 'GET' : spec.method.toUpperCase(),
    path: spec.path,
    headers: spec.headers.map((row) => ({ ...row })),
    queryParams: spec.queryParams.map((row) => ({ ...row })),
    bodyMode: spec.body.type,
  };
  const body = spec.body;
  switch (body.type) {
    case 'none':
      break;
    case 'json':
      draft.jsonText = body.text;
      break;
    case 'raw':
      draft.rawText = body.text;
      draft.rawContentType = body.contentType;
      break;
    case 'formUrlencoded':
      draft.formFields = body.fields.map((row) => ({ ...row }));
      break;
    case 'multipart':
      draft.parts = body.parts.map((part) => ({
        key: part.key,
        kind: part.file ? 'file' : 'text',
        value: part.value,
        file: part.file ?? '',
        contentType: part.contentType,
      }));
      break;
    case 'binary':
      draft.binaryPath = body.path;
      draft.binaryContentType = body.contentType;
      break;
  }
  return draft;
}

export function specFromQuery(query: SavedQuery): RequestSpec {
  return {
    method: query.method,
    path: query.path,
    headers: query.headers,
    queryParams: query.queryParams,
    body: query.body,
  };
}

/** Why the JSON body cannot be sent, or `null` when it is valid JSON. */
export function jsonBodyError(text: string): string | null {
  if (text.trim() === '') return 'The JSON body is empty: enter a JSON value, or choose None.';
  try {
    JSON.parse(text);
    return null;
  } catch (error) {
    return `Not valid JSON: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** A problem that keeps Send disabled, or `null`. */
export function sendBlocker(draft: RequestDraft): string | null {
  if (draft.bodyMode === 'json') return jsonBodyError(draft.jsonText);
  if (draft.bodyMode === 'binary' && draft.binaryPath.trim() === '') return 'Choose the file to send.';
  return null;
}

function isBlankPart(part: PartDraft): boolean {
  return part.key.trim() === '' && (part.kind === 'text' ? part.value.trim() === '' : part.file === '');
}

function toPart(part: PartDraft): MultipartPart {
  return part.kind === 'file'
    ? { key: part.key, value: '', file: part.file, contentType: part.contentType }
    : { key: part.key, value: part.value, contentType: part.contentType };
}

/** The request to send, and the maps from its row indexes back to the rows on screen. */
export function draftToSpec(draft: RequestDraft): { spec: RequestSpec; rowMaps: RowMaps } {
  const headers = compactRows(draft.headers, isBlankRow);
  const queryParams = compactRows(draft.queryParams, isBlankRow);
  const rowMaps: RowMaps = { headers: headers.sourceIndex, queryParams: queryParams.sourceIndex };
  let body: RequestBody;
  switch (draft.bodyMode) {
    case 'none':
      body = { type: 'none' };
      break;
    case 'json':
      body = { type: 'json', text: draft.jsonText };
      break;
    case 'raw':
      body = { type: 'raw', text: draft.rawText, contentType: draft.rawContentType };
      break;
    case 'formUrlencoded': {
      const fields = compactRows(draft.formFields, isBlankRow);
      rowMaps['body.fields'] = fields.sourceIndex;
      body = { type: 'formUrlencoded', fields: fields.rows };
      break;
    }
    case 'multipart': {
      const parts = compactRows(draft.parts, isBlankPart);
      rowMaps['body.parts'] = parts.sourceIndex;
      body = { type: 'multipart', parts: parts.rows.map(toPart) };
      break;
    }
    case 'binary':
      body = { type: 'binary', path: draft.binaryPath, contentType: draft.binaryContentType };
      break;
  }
  return {
    spec: { method: draft.method, path: draft.path, headers: headers.rows, queryParams: queryParams.rows, body },
    rowMaps,
  };
}

/**
 * The URL the request goes to, as the core builds it: the path joined to the base URL (or a
 * same-origin absolute URL), then the base URL's query, the datasource's parameters, and the
 * request's, a request parameter replacing the datasource's of the same name. Authentication
 * added at send time is not shown. `null` when the base URL is not a URL yet.
 */
export function fullUrl(base: string, path: string, inherited: KeyValue[], own: KeyValue[]): string | null {
  let baseUrl: URL;
  try {
    baseUrl = new URL(base.trim());
  } catch {
    return null;
  }
  const trimmed = path.trim();
  let url: URL;
  let pathParams: [string, string][] = [];
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    try {
      url = new URL(trimmed);
    } catch {
      return null;
    }
    pathParams = [...url.searchParams.entries()];
  } else {
    const [pathPart, queryPart = ''] = trimmed.split(/\?(.*)/s);
    pathParams = [...new URLSearchParams(queryPart).entries()];
    url = new URL(baseUrl.href);
    const relative = pathPart.replace(/^\/+/, '');
    if (relative !== '') url.pathname = `${baseUrl.pathname.replace(/\/+$/, '')}/${relative}`;
  }
  const requestParams: [string, string][] = [
    ...pathParams,
    ...own.filter((row) => !isBlankRow(row)).map((row): [string, string] => [row.key.trim(), row.value]),
  ];
  const overridden = new Set(requestParams.map(([key]) => key));
  const params: [string, string][] = [
    ...[...baseUrl.searchParams.entries()],
    ...inherited.filter((row) => !isBlankRow(row)).map((row): [string, string] => [row.key.trim(), row.value]),
  ].filter(([key]) => !overridden.has(key));
  params.push(...requestParams);
  url.search = params.length === 0 ? '' : new URLSearchParams(params).toString();
  url.hash = '';
  return url.href;
}

/** `wanted`, or `wanted 2`, `wanted 3`… whichever is not in `taken`. */
export function uniqueName(wanted: string, taken: string[]): string {
  if (!taken.includes(wanted)) return wanted;
  for (let n = 2; ; n += 1) {
    const candidate = `${wanted} ${n}`;
    if (!taken.includes(candidate)) return candidate;
  }
}
