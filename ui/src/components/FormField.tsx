// A labelled field: the label tied to its control by id (with the active environment's
// override marker beside it), an optional hint, and the core's errors for `path` under it.
import type { ReactNode } from 'react';
import { FieldErrors } from './FieldErrors';
import { useFieldErrors } from './FieldErrorsContext';
import { OverrideMarker, useOverride } from './OverrideMarker';

export interface FormFieldProps {
  /** The id of the control the label is for. */
  id: string;
  label: string;
  path?: string;
  hint?: ReactNode;
  children: ReactNode;
  className?: string;
  /** The field an environment overrides with this one, when not `path`; `null`: none. */
  overridePath?: string | null;
}

export function FormField({ id, label, path, hint, children, className, overridePath }: FormFieldProps) {
  const errors = useFieldErrors(path);
  const marked = overridePath === undefined ? path : overridePath;
  const override = useOverride(marked);
  const classes = ['field', className, errors.length > 0 ? 'invalid' : null].filter(Boolean).join(' ');
  return (
    <div className={classes}>
      {override ? (
        <div className="input-row">
          <label htmlFor={id} className="field-label">
            {label}
          </label>
          <OverrideMarker path={marked} label={label} />
        </div>
      ) : (
        <label htmlFor={id}>{label}</label>
      )}
      {children}
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {path !== undefined && <FieldErrors id={`${id}-error`} path={path} messages={errors} />}
    </div>
  );
}

/** The aria attributes a control gets from its field's hint and errors. */
export function describedBy(id: string, hasHint: boolean, hasErrors: boolean): string | undefined {
  const ids = [hasHint ? `${id}-hint` : null, hasErrors ? `${id}-error` : null].filter(Boolean);
  return ids.length > 0 ? ids.join(' ') : undefined;
}
