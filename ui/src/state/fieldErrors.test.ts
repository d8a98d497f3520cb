// fieldErrorsOf: the field errors of a rejected call, whichever way the core named them.
import { describe, expect, test } from 'vitest';
import { fieldErrorsOf } from './fieldErrors';

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
