// The request tester's state without React: the RequestSpec `draftToSpec` builds for each body
// mode (blank rows dropped, their indexes kept for error paths), what blocks Send, the full URL
// preview, reopening a saved request or a run of the history, where a JSON body goes wrong, and a
// query typed into the path.
import { describe, expect, test } from 'vitest';
import type { RequestSpec } from '../bindings/RequestSpec';
import {
  draftFromSent,
  draftFromSpec,
  draftToSpec,
  emptyDraft,
  fullUrl,
  jsonBodyError,
  locateJsonError,
  movePathQuery,
  sameRequest,
  sendBlocker,
  uniqueName,
  type RequestDraft,
} from './requestDraft';

function draft(patch: Partial<RequestDraft>): RequestDraft {
  return { ...emptyDraft(), method: 'POST', path: '/items', ...patch };
}

describe('draftToSpec', () => {
  test('none sends no body', () => {
    expect(draftToSpec(draft({ bodyMode: 'none', jsonText: '{"ignored":true}' })).spec.body).toEqual({ type: 'none' });
  });

  test('json sends the text as typed', () => {
    expect(draftToSpec(draft({ bodyMode: 'json', jsonText: '{ "a": 1 }' })).spec.body).toEqual({
      type: 'json',
      text: '{ "a": 1 }',
    });
  });

  test('raw sends the text with its content type', () => {
    const body = draftToSpec(draft({ bodyMode: 'raw', rawText: 'a,b', rawContentType: 'text/csv' })).spec.body;
    expect(body).toEqual({ type: 'raw', text: 'a,b', contentType: 'text/csv' });
  });

  test('form-urlencoded sends the non-blank rows and maps their indexes back', () => {
    const { spec, rowMaps } = draftToSpec(
      draft({
        bodyMode: 'formUrlencoded',
        formFields: [
          { key: 'a', value: '1' },
          { key: ' ', value: '' },
          { key: 'b', value: '' },
        ],
      }),
    );
    expect(spec.body).toEqual({
      type: 'formUrlencoded',
      fields: [
        { key: 'a', value: '1' },
        { key: 'b', value: '' },
      ],
    });
    expect(rowMaps['body.fields']).toEqual([0, 2]);
  });

  test('multipart sends text parts with their value and file parts with the path only', () => {
    const { spec, rowMaps } = draftToSpec(
      draft({
        bodyMode: 'multipart',
        parts: [
          { key: 'title', kind: 'text', value: 'Hello', file: '/ignored', contentType: '' },
          { key: '', kind: 'file', value: '', file: '', contentType: '' },
          { key: 'photo', kind: 'file', value: 'ignored', file: '/home/me/photo.png', contentType: 'image/png' },
        ],
      }),
    );
    expect(spec.body).toEqual({
      type: 'multipart',
      parts: [
        { key: 'title', value: 'Hello', contentType: '' },
        { key: 'photo', value: '', file: '/home/me/photo.png', contentType: 'image/png' },
      ],
    });
    // A text part must not carry a `file` key at all: the core would send the file instead.
    if (spec.body.type !== 'multipart') throw new Error('not multipart');
    expect('file' in spec.body.parts[0]).toBe(false);
    expect(rowMaps['body.parts']).toEqual([0, 2]);
  });

  test('binary sends the file path with its content type', () => {
    const body = draftToSpec(
      draft({ bodyMode: 'binary', binaryPath: '/tmp/blob.bin', binaryContentType: 'application/pdf' }),
    ).spec.body;
    expect(body).toEqual({ type: 'binary', path: '/tmp/blob.bin', contentType: 'application/pdf' });
  });

  test('method, path, headers and query parameters go along, blank rows dropped', () => {
    const { spec, rowMaps } = draftToSpec(
      draft({
        headers: [
          { key: '', value: '' },
          { key: 'Accept', value: 'application/json' },
        ],
        queryParams: [{ key: 'q', value: 'x' }],
      }),
    );
    expect(spec).toEqual({
      method: 'POST',
      path: '/items',
      headers: [{ key: 'Accept', value: 'application/json' }],
      queryParams: [{ key: 'q', value: 'x' }],
      body: { type: 'none' },
    });
    expect(rowMaps.headers).toEqual([1]);
  });
});

describe('what blocks Send', () => {
  test('an empty or invalid JSON body blocks, valid JSON does not', () => {
    expect(jsonBodyError('')).toMatch(/empty/);
    expect(jsonBodyError('{"a": }')).toMatch(/^Not valid JSON/);
    expect(jsonBodyError('{"a": [1, 2]}')).toBeNull();
    expect(sendBlocker(draft({ bodyMode: 'json', jsonText: '{' }))).toMatch(/^Not valid JSON/);
  });

  test('invalid JSON kept from another mode does not block a non-JSON body', () => {
    expect(sendBlocker(draft({ bodyMode: 'raw', jsonText: '{' }))).toBeNull();
  });

  test('a binary body needs a file', () => {
    expect(sendBlocker(draft({ bodyMode: 'binary', binaryPath: '' }))).toBe('Choose the file to send.');
    expect(sendBlocker(draft({ bodyMode: 'binary', binaryPath: '/tmp/a.bin' }))).toBeNull();
  });
});

describe('draftFromSpec', () => {
  test('a saved multipart request reopens with each part as text or file', () => {
    const spec: RequestSpec = {
      method: 'post',
      path: '/upload',
      headers: [],
      queryParams: [],
      body: {
        type: 'multipart',
        parts: [
          { key: 'a', value: '1', contentType: '' },
          { key: 'f', value: '', file: '/x.png', contentType: '' },
        ],
      },
    };
    const reopened = draftFromSpec(spec);
    expect(reopened.method).toBe('POST');
    expect(reopened.parts.map((part) => [part.kind, part.file])).toEqual([
      ['text', ''],
      ['file', '/x.png'],
    ]);
    expect(draftToSpec(reopened).spec.body).toEqual(spec.body);
  });
});

describe('fullUrl', () => {
  test('joins the path to the base URL and merges the query parameters', () => {
    expect(
      fullUrl(
        'https://api.example.com/v1/',
        '/users?page=2',
        [{ key: 'key', value: 'abc' }],
        [{ key: 'sort', value: 'name' }],
      ),
    ).toBe('https://api.example.com/v1/users?key=abc&page=2&sort=name');
  });

  test("a request parameter replaces the datasource's of the same name", () => {
    expect(
      fullUrl('https://api.example.com?lang=en', '', [{ key: 'page', value: '1' }], [{ key: 'page', value: '3' }]),
    ).toBe('https://api.example.com/?lang=en&page=3');
  });

  test('is null while the base URL is not a URL', () => {
    expect(fullUrl('api.example.com', '/users', [], [])).toBeNull();
  });
});

test('uniqueName numbers a taken name', () => {
  expect(uniqueName('Get user', ['Get user', 'Get user 2'])).toBe('Get user 3');
  expect(uniqueName('List', ['Get user'])).toBe('List');
});

describe('locateJsonError', () => {
  const at = (text: string) => {
    const found = locateJsonError(text);
    return found && [found.line, found.column, found.reason];
  };

  test('valid JSON has no error', () => {
    for (const text of ['{}', '[]', ' {"a": [1, -2.5e3, true, false, null, "x\\n\\u00e9"]} ', '"s"', '0']) {
      expect(locateJsonError(text), text).toBeNull();
    }
  });

  test('each mistake is placed at its line and column', () => {
    expect(at('{"a": }')).toEqual([1, 7, 'expected a JSON value, found “}”']);
    expect(at('{\n  "a": 1\n  "b": 2\n}')).toEqual([3, 3, 'expected “,” or “}” after a property value, found “"”']);
    expect(at('[1, 2,]')).toEqual([1, 6, 'a trailing comma before “]”']);
    expect(at("{'a': 1}")).toEqual([1, 2, "expected a property name in double quotes, found “'”"]);
    expect(at('{"a": "open')).toEqual([1, 7, 'a string that is never closed (a missing ")']);
    expect(at('{"a": 1} x')).toEqual([1, 10, '“x” after the end of the JSON value']);
    expect(at('[1, 2')).toEqual([1, 6, 'expected “,” or “]” after an element, found the end of the text']);
    expect(at('{"a": tru}')).toEqual([1, 7, 'expected a JSON value, found “t”']);
  });

  test('jsonBodyError says where', () => {
    expect(jsonBodyError('{\n  "a": 01\n}')).toBe(
      'Not valid JSON at line 2, column 9: expected “,” or “}” after a property value, found “1”.',
    );
  });
});

describe('a query typed into the path', () => {
  test('moves into the query parameters, after those already there', () => {
    const moved = movePathQuery(
      draft({
        path: '/items?v=2&tag=a%20b',
        queryParams: [
          { key: 'page', value: '1' },
          { key: '', value: '' },
        ],
      }),
    );
    expect(moved.path).toBe('/items');
    expect(moved.queryParams).toEqual([
      { key: 'page', value: '1' },
      { key: 'v', value: '2' },
      { key: 'tag', value: 'a b' },
    ]);
  });

  test('a path without one stays as it is', () => {
    const same = draft({ path: '/items' });
    expect(movePathQuery(same)).toBe(same);
  });
});

describe('draftFromSent (a history entry opened again)', () => {
  test("keeps the request's own path, parameters, headers and JSON body, drops what the datasource and the core added", () => {
    const reopened = draftFromSent(
      {
        method: 'POST',
        url: 'https://api.example.com/v1/items?lang=en&key=%3Credacted%3E&v=2',
        headers: [
          { key: 'x-team', value: 'core' },
          { key: 'x-trace', value: 'on' },
          { key: 'authorization', value: '<redacted>' },
          { key: 'content-type', value: 'application/json' },
        ],
        body: '{"name":"Ada"}',
      },
      'https://api.example.com/v1?lang=en',
      [{ key: 'X-Team', value: 'core' }],
      [],
    );
    expect(reopened).toEqual({
      ...emptyDraft(),
      method: 'POST',
      path: '/items',
      queryParams: [{ key: 'v', value: '2' }],
      headers: [{ key: 'x-trace', value: 'on' }],
      bodyMode: 'json',
      jsonText: '{"name":"Ada"}',
    });
    expect(fullUrl('https://api.example.com/v1?lang=en', reopened.path, [], reopened.queryParams)).toBe(
      'https://api.example.com/v1/items?lang=en&v=2',
    );
  });

  test('a form, a raw body, a multipart one and a file come back in their modes (files to choose again)', () => {
    const sent = (body: string, contentType?: string) => ({
      method: 'PUT',
      url: 'https://api.example.com/v1/x',
      headers: contentType ? [{ key: 'content-type', value: contentType }] : [],
      body,
    });
    const base = 'https://api.example.com/v1';
    expect(draftFromSent(sent('a=1&b=x+y', 'application/x-www-form-urlencoded'), base, [], []).formFields).toEqual([
      { key: 'a', value: '1' },
      { key: 'b', value: 'x y' },
    ]);
    const raw = draftFromSent(sent('a,b', 'text/csv'), base, [], []);
    expect([raw.bodyMode, raw.rawText, raw.rawContentType, raw.headers]).toEqual(['raw', 'a,b', 'text/csv', []]);
    const parts = draftFromSent(sent('note=hi=there\nfile=<file /home/me/a.png>'), base, [], []);
    expect(parts.bodyMode).toBe('multipart');
    expect(parts.parts.map((p) => [p.key, p.kind, p.value, p.file])).toEqual([
      ['note', 'text', 'hi=there', ''],
      ['file', 'file', '', ''],
    ]);
    const binary = draftFromSent(sent('<file /home/me/a.bin>', 'application/pdf'), base, [], []);
    expect([binary.bodyMode, binary.binaryPath, binary.binaryContentType]).toEqual(['binary', '', 'application/pdf']);
    expect(draftFromSent(sent(''), base, [], []).path).toBe('/x');
  });
});

test('sameRequest ignores blank rows and the text of unused body modes', () => {
  expect(sameRequest(draft({ headers: [{ key: '', value: '' }], rawText: 'kept' }), draft({}))).toBe(true);
  expect(sameRequest(draft({ path: '/other' }), draft({}))).toBe(false);
});
