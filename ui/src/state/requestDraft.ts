// The request tester's state as plain data: a draft keeps every body mode's input so switching
// modes loses nothing; `draftToSpec` builds the `RequestSpec` that is sent. No React here.
import type { KeyValue } from '../bindings/KeyValue';
import type { MultipartPart } from '../bindings/MultipartPart';
import type { RequestBody } from '../bindings/RequestBody';
import type { RequestSpec } from '../bindings/RequestSpec';
import type { SavedQuery } from '../bindings/SavedQuery';
import type { SentRequest } from '../bindings/SentRequest';
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

/** What the core shows in place of a credential in a request as sent. */
export const REDACTED = '<redacted>';

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

/** Where a JSON text stops being JSON: the offset (in UTF-16 units) and what was expected there. */
export interface JsonSyntaxError {
  offset: number;
  line: number;
  column: number;
  reason: string;
}

/** Thrown inside `locateJsonError` where the scan stops. */
class JsonStop {
  constructor(
    readonly at: number,
    readonly reason: string,
  ) {}
}

/**
 * Finds the first syntax error of `text` as JSON (RFC 8259), with its line and column (both from
 * 1), or `null` when `text` is JSON. WebKit's `JSON.parse` says what is wrong but not where, so
 * the text is scanned here; `JSON.parse` still has the last word on validity.
 */
export function locateJsonError(text: string): JsonSyntaxError | null {
  let i = 0;
  const found = () => (i >= text.length ? 'the end of the text' : `“${text[i]}”`);
  const fail = (reason: string, at = i): never => {
    throw new JsonStop(at, reason);
  };
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i += 1;
  };
  const string = () => {
    const start = i;
    i += 1;
    while (i < text.length) {
      const c = text[i];
      if (c === '"') {
        i += 1;
        return;
      }
      if (c === '\\') {
        const next = text[i + 1];
        if (next !== undefined && '"\\/bfnrt'.includes(next)) i += 2;
        else if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
        else fail('an unknown escape in a string (write a backslash as \\\\)');
        continue;
      }
      if (c < ' ') fail('a line break or control character inside a string (write it as \\n or \\t)');
      i += 1;
    }
    fail('a string that is never closed (a missing ")', start);
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i += 1;
      space();
      if (text[i] === close) {
        i += 1;
        return;
      }
      for (;;) {
        space();
        if (c === '{') {
          if (text[i] !== '"') fail(`expected a property name in double quotes, found ${found()}`);
          string();
          space();
          if (text[i] !== ':') fail(`expected “:” after the property name, found ${found()}`);
          i += 1;
        }
        value();
        space();
        if (text[i] === ',') {
          i += 1;
          space();
          if (text[i] === close) fail(`a trailing comma before “${close}”`, i - 1);
          continue;
        }
        if (text[i] === close) {
          i += 1;
          return;
        }
        fail(`expected “,” or “${close}” after ${c === '{' ? 'a property value' : 'an element'}, found ${found()}`);
      }
    }
    if (c === '"') return string();
    const number = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    number.lastIndex = i;
    if (c !== undefined && /[-0-9]/.test(c) && number.test(text) && number.lastIndex > i) {
      i = number.lastIndex;
      return;
    }
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return;
      }
    }
    if (c === "'") fail('a string in single quotes: JSON strings take double quotes');
    fail(`expected a JSON value, found ${found()}`);
  };
  try {
    value();
    space();
    if (i < text.length) fail(`${found()} after the end of the JSON value`);
    return null;
  } catch (error) {
    // Nesting deeper than the stack (RangeError) is left to JSON.parse's own message.
    if (!(error instanceof JsonStop)) return null;
    const { at, reason } = error;
    const before = text.slice(0, at);
    const line = before.split('\n').length;
    const column = at - (before.lastIndexOf('\n') + 1) + 1;
    return { offset: at, line, column, reason };
  }
}

/** Why the JSON body cannot be sent, or `null` when it is valid JSON. */
export function jsonBodyError(text: string): string | null {
  if (text.trim() === '') return 'The JSON body is empty: enter a JSON value, or choose None.';
  try {
    JSON.parse(text);
    return null;
  } catch (error) {
    const where = locateJsonError(text);
    if (where) return `Not valid JSON at line ${where.line}, column ${where.column}: ${where.reason}.`;
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

/**
 * The draft with a query typed into the path (`/items?v=2`) moved into its query parameters
 * (after the ones already there); a path without `?` is returned as it is.
 */
export function movePathQuery(draft: RequestDraft): RequestDraft {
  const at = draft.path.indexOf('?');
  if (at < 0) return draft;
  const query = draft.path.slice(at + 1).split('#')[0];
  const moved = [...new URLSearchParams(query).entries()].map(([key, value]): KeyValue => ({ key, value }));
  const kept = draft.queryParams.filter((row) => !isBlankRow(row));
  return { ...draft, path: draft.path.slice(0, at), queryParams: [...kept, ...moved] };
}

/** Whether two drafts send the same request (blank rows and unused body modes aside). */
export function sameRequest(a: RequestDraft, b: RequestDraft): boolean {
  return JSON.stringify(draftToSpec(a).spec) === JSON.stringify(draftToSpec(b).spec);
}

function sameRow(a: KeyValue, b: KeyValue, caseless = false): boolean {
  const key = (row: KeyValue) => (caseless ? row.key.trim().toLowerCase() : row.key.trim());
  return key(a) === key(b) && a.value === b.value;
}

/** The content types the core sets on its own for a body mode (`prepare`, in the core). */
const DEFAULT_CONTENT_TYPES = [
  'application/json',
  'application/x-www-form-urlencoded',
  'text/plain; charset=utf-8',
  'application/octet-stream',
];

/**
 * A draft rebuilt from a history entry's request as sent, to open it again in the editor: the
 * path relative to the datasource URL `base`, the request's own parameters and headers (those
 * inherited from the datasource, the redacted credentials added at send time, and the content
 * type the core sets dropped), and the body in the mode its content type says. A file the
 * request sent is not named again (the page never names a file): the person chooses it again.
 */
export function draftFromSent(
  sent: SentRequest,
  base: string,
  inheritedHeaders: KeyValue[],
  inheritedParams: KeyValue[],
): RequestDraft {
  const draft: RequestDraft = { ...emptyDraft(), method: sent.method.toUpperCase() };
  let url: URL;
  try {
    url = new URL(sent.url);
  } catch {
    draft.path = sent.url;
    return draft;
  }
  let baseUrl: URL | null = null;
  try {
    baseUrl = new URL(base.trim());
  } catch {
    baseUrl = null;
  }
  const basePath = baseUrl ? baseUrl.pathname.replace(/\/+$/, '') : '';
  if (
    baseUrl &&
    url.origin === baseUrl.origin &&
    (url.pathname === basePath || url.pathname.startsWith(`${basePath}/`))
  ) {
    draft.path = url.pathname.slice(basePath.length);
  } else {
    draft.path = `${url.origin}${url.pathname}`;
  }
  const fromBase: KeyValue[] = baseUrl
    ? [...baseUrl.searchParams.entries()].map(([key, value]) => ({ key, value }))
    : [];
  draft.queryParams = [...url.searchParams.entries()]
    .map(([key, value]): KeyValue => ({ key, value }))
    .filter((row) => row.value !== REDACTED && ![...fromBase, ...inheritedParams].some((other) => sameRow(row, other)));

  const contentTypeRow = sent.headers.find((row) => row.key.toLowerCase() === 'content-type');
  const contentType = contentTypeRow?.value ?? '';
  draft.headers = sent.headers.filter(
    (row) =>
      row.value !== REDACTED &&
      !inheritedHeaders.some((other) => sameRow(row, other, true)) &&
      // With a body, its content type belongs to the body mode (kept below where it must be).
      !(row === contentTypeRow && (sent.body !== '' || DEFAULT_CONTENT_TYPES.includes(contentType))),
  );
  const type = contentType.split(';')[0].trim().toLowerCase();
  const file = /^<file .*>$/s.test(sent.body);
  if (sent.body === '') {
    draft.bodyMode = 'none';
  } else if (contentTypeRow === undefined) {
    // Only multipart goes without one: reqwest writes it with the boundary.
    draft.bodyMode = 'multipart';
    draft.parts = sent.body.split('\n').map((line): PartDraft => {
      const [key, ...rest] = line.split('=');
      const value = rest.join('=');
      const isFile = /^<file .*>$/.test(value);
      return { key, kind: isFile ? 'file' : 'text', value: isFile ? '' : value, file: '', contentType: '' };
    });
  } else if (file) {
    draft.bodyMode = 'binary';
    draft.binaryContentType = contentType;
  } else if (type === 'application/json' || type.endsWith('+json')) {
    draft.bodyMode = 'json';
    draft.jsonText = sent.body;
    if (type !== 'application/json') draft.headers.push({ key: contentTypeRow.key, value: contentType });
  } else if (type === 'application/x-www-form-urlencoded') {
    draft.bodyMode = 'formUrlencoded';
    draft.formFields = [...new URLSearchParams(sent.body).entries()].map(([key, value]) => ({ key, value }));
  } else {
    draft.bodyMode = 'raw';
    draft.rawText = sent.body;
    draft.rawContentType = contentType === 'text/plain; charset=utf-8' ? 'text/plain' : contentType;
  }
  return draft;
}

/** The texts of the draft in which the core resolves `{{variables}}`: path, rows, text bodies. */
export function variableTexts(draft: RequestDraft): string[] {
  const rows = (list: KeyValue[]) => list.flatMap((row) => [row.key, row.value]);
  const texts = [draft.path, ...rows(draft.queryParams), ...rows(draft.headers)];
  if (draft.bodyMode === 'json') texts.push(draft.jsonText);
  if (draft.bodyMode === 'raw') texts.push(draft.rawText);
  if (draft.bodyMode === 'formUrlencoded') texts.push(...rows(draft.formFields));
  if (draft.bodyMode === 'multipart') texts.push(...draft.parts.filter((p) => p.kind === 'text').map((p) => p.value));
  return texts;
}

/**
 * Whether `text` (pasted into the path) is a curl command rather than a path: `curl ` first
 * (after blank lines, comments, a `$ ` prompt), possibly continued over lines with `\` or `^`.
 */
export function isCurlCommand(text: string): boolean {
  const first = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .find((line) => line !== '' && !line.startsWith('#') && !line.startsWith('REM '));
  return first !== undefined && /^(\$\s+)?curl(\.exe)?\s/i.test(first);
}
