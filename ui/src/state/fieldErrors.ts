// The field errors a rejected call carries, for the editor and the request tester alike: the
// core's `ErrorPayload.fields`, or its single `field` with the message. No React here.
import { isErrorPayload } from '../api';
import type { FieldError } from '../bindings/FieldError';

/** The field errors of `error`; none when it is not an `ErrorPayload` or names no field. */
export function fieldErrorsOf(error: unknown): FieldError[] {
  if (!isErrorPayload(error)) return [];
  if (error.fields.length > 0) return error.fields;
  return error.field ? [{ field: error.field, message: error.message }] : [];
}
