// A checkbox with its label after it (and the active environment's override marker), and the
// core's errors for `path` under it.
import type { ReactNode } from 'react';
import { FieldErrors } from './FieldErrors';
import { useFieldErrors } from './FieldErrorsContext';
import { OverrideMarker } from './OverrideMarker';

export interface CheckboxFieldProps {
  id: string;
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  path?: string;
  hint?: ReactNode;
  testId?: string;
  /** The field an environment overrides with this one, when not `path`; `null`: none. */
  overridePath?: string | null;
}

export function CheckboxField({ id, label, checked, onChange, path, hint, testId, overridePath }: CheckboxFieldProps) {
  const errors = useFieldErrors(path);
  return (
    <div className="field checkbox-field">
      <div className="checkbox-row">
        <input
          id={id}
          type="checkbox"
          checked={checked}
          data-testid={testId}
          aria-invalid={errors.length > 0 ? true : undefined}
          aria-describedby={errors.length > 0 ? `${id}-error` : undefined}
          onChange={(event) => onChange(event.target.checked)}
        />
        <label htmlFor={id}>{label}</label>
        <OverrideMarker path={overridePath === undefined ? path : overridePath} label={label} />
      </div>
      {hint && <p className="hint">{hint}</p>}
      {path !== undefined && <FieldErrors id={`${id}-error`} path={path} messages={errors} />}
    </div>
  );
}
