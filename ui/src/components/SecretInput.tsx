// A write-only secret slot. A stored secret shows "Saved" with Replace and Remove, never a value
// (the core never sends one). While replacing, an empty input keeps the stored secret; typing
// replaces it; Remove clears it. A secret an environment overrides is that environment's slot,
// write-only the same way.
import { useState, type ReactNode } from 'react';
import type { SecretField } from '../bindings/SecretField';
import { isSecretSaved } from '../state/datasourceForm';
import { FormField, describedBy } from './FormField';
import { useFieldErrors, useFormVersion } from './FieldErrorsContext';
import { useOverride } from './OverrideMarker';

export interface SecretInputProps {
  id: string;
  label: string;
  path: string;
  value: SecretField;
  onChange: (value: SecretField) => void;
  testId?: string;
  multiline?: boolean;
  placeholder?: string;
  hint?: ReactNode;
  /** Shown under the input in every state (e.g. "Load from file"). */
  extra?: ReactNode;
  /** The field an environment overrides with this one, when not `path`; `null`: none. */
  overridePath?: string | null;
}

export function SecretInput({
  id,
  label,
  path,
  value,
  onChange,
  testId,
  multiline,
  placeholder,
  hint,
  extra,
  overridePath,
}: SecretInputProps) {
  const errors = useFieldErrors(path);
  const override = useOverride(overridePath === undefined ? path : overridePath);
  // Another slot (a load, a save, an environment's own value or the base's again): start over.
  const version = `${useFormVersion()}:${override ? `${override.environment}:${override.overridden}` : ''}`;
  // What an emptied input means: keep the stored secret (after Replace) or no secret.
  const [replacing, setReplacing] = useState<SecretField>(null);
  const [seenVersion, setSeenVersion] = useState(version);
  if (seenVersion !== version) {
    setSeenVersion(version);
    setReplacing(null);
  }
  const own = override?.overridden ? override.environment : null;

  const saved = isSecretSaved(value);
  if (saved && replacing === null) {
    return (
      <FormField id={`${id}-replace`} label={label} path={path} hint={hint} overridePath={overridePath}>
        <div className="secret-saved">
          <span className="saved-marker" data-testid="secret-saved" data-field={path}>
            Saved
          </span>
          {/* Named for what it does, not only by the field's label that points at it. */}
          <button
            id={`${id}-replace`}
            type="button"
            aria-label={`Replace ${label}`}
            onClick={() => setReplacing({ set: true })}
          >
            Replace
          </button>
          <button type="button" className="link-button" onClick={() => onChange(null)}>
            Remove
          </button>
        </div>
        {extra}
      </FormField>
    );
  }

  const text = typeof value === 'string' ? value : '';
  const common = {
    id,
    value: text,
    placeholder: placeholder ?? (replacing ? 'Enter the new value' : own ? `Enter the value for ${own}` : undefined),
    'data-testid': testId,
    spellCheck: false,
    autoComplete: 'off',
    'aria-invalid': errors.length > 0 ? true : undefined,
    'aria-describedby': describedBy(id, Boolean(hint), errors.length > 0),
  } as const;
  const change = (next: string) => onChange(next === '' ? replacing : next);
  return (
    <FormField id={id} label={label} path={path} hint={hint} overridePath={overridePath}>
      <div className="input-row">
        {multiline ? (
          <textarea {...common} rows={6} onChange={(event) => change(event.target.value)} />
        ) : (
          <input {...common} type="password" onChange={(event) => change(event.target.value)} />
        )}
        {replacing !== null && (
          <button
            type="button"
            className="link-button"
            onClick={() => {
              onChange({ set: true });
              setReplacing(null);
            }}
          >
            Keep saved
          </button>
        )}
      </div>
      {extra}
    </FormField>
  );
}
