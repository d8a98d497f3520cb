// The request tester's state without React: the RequestSpec `draftToSpec` builds for each body
// mode (blank rows dropped, their indexes kept for error paths), what blocks Send, the full URL
// preview, and reopening a saved request.
import { describe, expect, test } from 'vitest';
import type { RequestSpec } from '../bindings/RequestSpec';
import { draftFromSpec, draftToSpec, emptyDraft, fullUrl, jsonBodyError, sendBlocker, uniqueName, type RequestDraft } from './requestDraft';

function draft(patch: Partial<RequestDraft>): RequestDraft {
  return { ...emptyDraft(), method: 'POST', path: '/items', ...patch };
}

describe('draftToSpec', () => {
  test('none sends no body', () => {
    expect(draftToSpec(draft({ bodyMode: 'none', jsonText: '{"ignored":true}' })).spec.body).toEqual({ type: 'none' });
  });

  test('json sends the text as typed', () => {
    expect(draftToSpec(draft({ bodyMode: 'json', jsonText: '{ "a": 1 }' })).spec.body).toEqual({ type: 'json', text: '{ "a": 1 }' });
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
    expect(spec.body).toEqual({ type: 'formUrlencoded', fields: [{ key: 'a', value: '1' }, { key: 'b', value: '' }] });
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
    const body = draftToSpec(draft({ bodyMode: 'binary', binaryPath: '/tmp/blob.bin', binaryContentType: 'application/pdf' })).spec.body;
    expect(body).toEqual({ type: 'binary', path: '/tmp/blob.bin', contentType: 'application/pdf' });
  });

  test('method, path, headers and query parameters go along, blank rows dropped', () => {
    const { spec, rowMaps } = draftToSpec(
      draft({
        headers: [{ key: '', value: '' }, { key: 'Accept', value: 'application/json' }],
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
      body: { type: 'multipart', parts: [{ key: 'a', value: '1', contentType: '' }, { key: 'f', value: '', file: '/x.png', contentType: '' }] },
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
    expect(fullUrl('https://api.example.com/v1/', '/users?page=2', [{ key: 'key', value: 'abc' }], [{ key: 'sort', value: 'name' }])).toBe(
      'https://api.example.com/v1/users?key=abc&page=2&sort=name',
    );
  });

  test("a request parameter replaces the datasource's of the same name", () => {
    expect(fullUrl('https://api.example.com?lang=en', '', [{ key: 'page', value: '1' }], [{ key: 'page', value: '3' }])).toBe(
      'https://api.example.com/?lang=en&page=3',
    );
  });

  test('is null while the base URL is not a URL', () => {
    expect(fullUrl('api.example.com', '/users', [], [])).toBeNull();
  });
});

test('uniqueName numbers a taken name', () => {
  expect(uniqueName('Get user', ['Get user', 'Get user 2'])).toBe('Get user 3');
  expect(uniqueName('List', ['Get user'])).toBe('List');
});
