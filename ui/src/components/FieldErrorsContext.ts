// Field errors from the core (ErrorPayload.fields), looked up by dotted path by the field that
// shows them, and the form's load count so write-only inputs reset after a save or a load.
import { createContext, useContext } from 'react';
import type { FieldError } from '../bindings/FieldError';

export interface FormContextValue {
  errorsFor: (path: string) => string[];
  /** Increases each time the form is (re)loaded from the core. */
  version: number;
}

export const FormContext = createContext<FormContextValue>({ errorsFor: () => [], version: 0 });

export function errorLookup(errors: FieldError[]): (path: string) => string[] {
  const byPath = new Map<string, string[]>();
  for (const error of errors) {
    byPath.set(error.field, [...(byPath.get(error.field) ?? []), error.message]);
  }
  return (path) => byPath.get(path) ?? [];
}

export function useFieldErrors(path: string | undefined): string[] {
  const { errorsFor } = useContext(FormContext);
  return path === undefined ? [] : errorsFor(path);
}

export function useFormVersion(): number {
  return useContext(FormContext).version;
}
