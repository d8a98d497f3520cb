// fieldErrorsOf: the field errors of a rejected call, whichever way the core named them.
import { describe, expect, test } from 'vitest';
import { fieldErrorsOf, fieldLabel, needAttention } from './fieldErrors';

describe('fieldErrorsOf', () => {
  test('takes the list of field errors when the payload has one', () => {
    const fields = [{ field: 'url', message: 'enter the base URL' }];
    expect(
      fieldErrorsOf({ code: 'invalid_input', message: '1 problem', field: 'url', fields, provider: null }),
    ).toEqual(fields);
  });

  test('turns a lone `field` into one error with the message', () => {
    expect(
      fieldErrorsOf({ code: 'invalid_input', message: 'give it a name', field: 'name', fields: [], provider: null }),
    ).toEqual([{ field: 'name', message: 'give it a name' }]);
  });

  test('has none for a payload without a field, an Error or a string', () => {
    expect(fieldErrorsOf({ code: 'storage', message: 'boom', field: null, fields: [], provider: null })).toEqual([]);
    expect(fieldErrorsOf(new Error('boom'))).toEqual([]);
    expect(fieldErrorsOf('command failed')).toEqual([]);
  });
});

describe('fieldLabel and needAttention', () => {
  test('name fields by the labels on screen, rows by their number', () => {
    expect(fieldLabel('auth.clientId')).toBe('Client ID');
    expect(fieldLabel('headers[2].key')).toBe('Headers row 3 name');
    expect(fieldLabel('auth.customAuthParams[0].value')).toBe('Custom authentication parameters row 1 value');
    expect(fieldLabel('something.new')).toBe('something.new');
  });

  test('sum up the fields once each', () => {
    const error = (field: string) => ({ field, message: 'm' });
    expect(needAttention([error('name')])).toBe('Name needs attention.');
    expect(needAttention([error('name'), error('url'), error('url'), error('auth.clientId')])).toBe(
      'Name, URL and Client ID need attention.',
    );
  });
});
