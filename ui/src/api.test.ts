// The pure helpers of the typed backend API: the Redirect URL to register with a provider, and
// telling an ErrorPayload rejection from anything else Tauri may reject with.
import { describe, expect, test } from 'vitest';
import { errorMessage, isErrorPayload, redirectUrl } from './api';

describe('redirectUrl', () => {
  test('loopback uses the configured port on 127.0.0.1', () => {
    expect(redirectUrl({ redirect: 'loopback', loopbackPort: 8976 })).toBe('http://127.0.0.1:8976/callback');
  });

  test('loopback port 0 says any free port is used', () => {
    expect(redirectUrl({ redirect: 'loopback', loopbackPort: 0 })).toBe('http://127.0.0.1/callback (any free port)');
  });

  test('deep link ignores the port', () => {
    expect(redirectUrl({ redirect: 'deep_link', loopbackPort: 8976 })).toBe('latchkey://oauth/callback');
  });
});

describe('errors', () => {
  const payload = { code: 'invalid_input', message: 'Check the fields.', field: null, fields: [], provider: null };

  test('an ErrorPayload is recognised and its message shown', () => {
    expect(isErrorPayload(payload)).toBe(true);
    expect(errorMessage(payload)).toBe('Check the fields.');
  });

  test('other rejections are shown as they are', () => {
    expect(isErrorPayload('command save_datasource not found')).toBe(false);
    expect(isErrorPayload({ message: 'no code' })).toBe(false);
    expect(errorMessage('command save_datasource not found')).toBe('command save_datasource not found');
    expect(errorMessage(new Error('boom'))).toBe('boom');
  });
});
