// A labelled select whose option values are the binding's values (`oauth2`, `client_credentials`).
import type { ReactNode } from 'react';
import { describedBy, FormField } from './FormField';
import { useFieldErrors } from './FieldErrorsContext';

export interface SelectFieldProps<T extends string> {
  id: string;
  label: string;
  value: T;
  options: { value: T; label: string }[];
  onChange: (value: T) => void;
  path?: string;
  hint?: ReactNode;
  testId?: string;
  /** The field an environment overrides with this one, when not `path`; `null`: none. */
  overridePath?: string | null;
}

export function SelectField<T extends string>({
  id,
  label,
  value,
  options,
  onChange,
  path,
  hint,
  testId,
  overridePath,
}: SelectFieldProps<T>) {
  const errors = useFieldErrors(path);
  return (
    <FormField id={id} label={label} path={path} hint={hint} overridePath={overridePath}>
      <select
        id={id}
        value={value}
        data-testid={testId}
        aria-invalid={errors.length > 0 ? true : undefined}
        aria-describedby={describedBy(id, Boolean(hint), errors.length > 0)}
        onChange={(event) => onChange(event.target.value as T)}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </FormField>
  );
}
