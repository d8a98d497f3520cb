// A labelled single-line input bound to a string.
import type { ReactNode } from 'react';
import { FormField, describedBy } from './FormField';
import { useFieldErrors } from './FieldErrorsContext';

export interface TextFieldProps {
  id: string;
  label: string;
  value: string;
  onChange?: (value: string) => void;
  path?: string;
  hint?: ReactNode;
  placeholder?: string;
  testId?: string;
  type?: 'text' | 'url' | 'number';
  readOnly?: boolean;
  /** Shown after the input on the same line (e.g. a Copy button). */
  after?: ReactNode;
  /** The field an environment overrides with this one, when not `path`; `null`: none. */
  overridePath?: string | null;
}

export function TextField({
  id,
  label,
  value,
  onChange,
  path,
  hint,
  placeholder,
  testId,
  type = 'text',
  readOnly,
  after,
  overridePath,
}: TextFieldProps) {
  const errors = useFieldErrors(path);
  const input = (
    <input
      id={id}
      type={type}
      value={value}
      placeholder={placeholder}
      readOnly={readOnly}
      data-testid={testId}
      spellCheck={false}
      autoComplete="off"
      aria-invalid={errors.length > 0 ? true : undefined}
      aria-describedby={describedBy(id, Boolean(hint), errors.length > 0)}
      onChange={(event) => onChange?.(event.target.value)}
    />
  );
  return (
    <FormField id={id} label={label} path={path} hint={hint} overridePath={overridePath}>
      {after ? (
        <div className="input-row">
          {input}
          {after}
        </div>
      ) : (
        input
      )}
    </FormField>
  );
}
