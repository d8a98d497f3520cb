// The variables editor of one environment, as a dialog: its name, whether it is production, and
// rows of key, value and "secret". A secret value is write-only, as in SecretInput: a saved one
// shows "set" with Replace, and its value never comes to the page. Save shows the core's field
// errors under their rows, and lists the tokens the change had to drop (a variable that moves
// where a datasource sends its token drops that token).
import { useEffect, useState } from 'react';
import { api, errorMessage } from '../api';
import type { Environment } from '../bindings/Environment';
import type { EnvironmentConfig } from '../bindings/EnvironmentConfig';
import type { FieldError } from '../bindings/FieldError';
import type { Variable } from '../bindings/Variable';
import { fieldErrorsOf } from '../state/fieldErrors';
import { compactRows, remapFieldErrors } from '../state/rows';

/** One row as edited. */
export interface VariableRow {
  key: string;
  /** Typed text: the plain value, or a new secret value. */
  value: string;
  secret: boolean;
  /** A secret value is stored: an empty `value` keeps it. */
  stored: boolean;
  /** The stored secret is being replaced (the input is shown). */
  replacing: boolean;
}

export function rowsOf(variables: Variable[]): VariableRow[] {
  return variables.map((v) => ({
    key: v.key,
    value: typeof v.value === 'string' && !v.secret ? v.value : '',
    secret: v.secret,
    stored: v.secret && typeof v.value === 'object' && v.value !== null && v.value.set,
    replacing: false,
  }));
}

function isBlank(row: VariableRow): boolean {
  return row.key.trim() === '' && row.value === '' && !row.stored;
}

/** The variables to save (blank rows dropped), and each one's row index. */
export function variablesOf(rows: VariableRow[]): { variables: Variable[]; sourceIndex: number[] } {
  const { rows: kept, sourceIndex } = compactRows(rows, isBlank);
  const variables = kept.map((row): Variable => {
    if (!row.secret) return { key: row.key.trim(), value: row.value, secret: false };
    if (row.value !== '') return { key: row.key.trim(), value: row.value, secret: true };
    return { key: row.key.trim(), value: row.stored ? { set: true } : null, secret: true };
  });
  return { variables, sourceIndex };
}

export interface VariablesEditorProps {
  environmentId: string;
  /** Saved: the list and the active environment are read again. */
  onSaved: (environment: Environment) => void;
  onClose: () => void;
}

export function VariablesEditor({ environmentId, onSaved, onClose }: VariablesEditorProps) {
  const [loaded, setLoaded] = useState<Environment | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [production, setProduction] = useState(false);
  const [rows, setRows] = useState<VariableRow[]>([]);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [dropped, setDropped] = useState<string[] | null>(null);
  const [routed, setRouted] = useState<string[]>([]);

  useEffect(() => {
    let current = true;
    api
      .getEnvironment(environmentId)
      .then((env) => {
        if (!current) return;
        setLoaded(env);
        setName(env.name);
        setProduction(env.production);
        setRows(rowsOf(env.variables));
      })
      .catch((error: unknown) => current && setLoadError(errorMessage(error)));
    return () => {
      current = false;
    };
  }, [environmentId]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const setRow = (index: number, patch: Partial<VariableRow>) =>
    setRows((current) => current.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  const errorsAt = (path: string) => errors.filter((e) => e.field === path || e.field.startsWith(`${path}.`));
  const rowErrors = (index: number) => errorsAt(`variables[${index}]`);
  const otherErrors = errors.filter((e) => e.field !== 'name' && !/^variables\[\d+\]/.test(e.field));

  async function save() {
    const { variables, sourceIndex } = variablesOf(rows);
    const config: EnvironmentConfig = { name: name.trim(), production, variables };
    setSaving(true);
    setErrors([]);
    setProblem(null);
    try {
      const saved = await api.saveEnvironment(environmentId, config);
      onSaved(saved.environment);
      if (saved.tokensDropped.length > 0 || saved.secretsRouted.length > 0) {
        setDropped(saved.tokensDropped);
        setRouted(saved.secretsRouted);
        setLoaded(saved.environment);
        setRows(rowsOf(saved.environment.variables));
      } else onClose();
    } catch (caught) {
      const fields = remapFieldErrors(fieldErrorsOf(caught), { variables: sourceIndex });
      setErrors(fields);
      setProblem(fields.length > 0 ? 'Not saved: fix the fields marked below.' : errorMessage(caught));
    } finally {
      setSaving(false);
    }
  }

  return (
    <div className="dialog-backdrop">
      <form
        className="dialog variables-editor"
        role="dialog"
        aria-modal="true"
        aria-labelledby="variables-title"
        data-testid="variables-editor"
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <h2 id="variables-title">Environment {loaded ? `“${loaded.name}”` : ''}</h2>
        {loadError && (
          <p className="error" role="alert">
            {loadError}
          </p>
        )}
        {loaded && (
          <div className="variables-body">
            <div className="field">
              <label htmlFor="env-name" className="field-label">
                Name
              </label>
              <input
                id="env-name"
                data-testid="environment-name"
                value={name}
                autoComplete="off"
                spellCheck={false}
                aria-invalid={errorsAt('name').length > 0 ? true : undefined}
                onChange={(event) => setName(event.target.value)}
              />
              {errorsAt('name').map((e) => (
                <p key={e.message} className="field-error" role="alert">
                  {e.message}
                </p>
              ))}
            </div>
            <div className="checkbox-row">
              <input
                id="env-production"
                type="checkbox"
                data-testid="environment-production"
                checked={production}
                onChange={(event) => setProduction(event.target.checked)}
              />
              <label htmlFor="env-production">
                Production: a coloured bar across the window, and sending anything but GET, HEAD or OPTIONS asks first
              </label>
            </div>
            <fieldset className="rows variable-rows">
              <legend>Variables</legend>
              <p className="hint">
                Use them as <code>{'{{name}}'}</code> in the datasource&apos;s URL, headers, parameters and OAuth
                fields, and in requests. A secret value is sealed and never shown again.
              </p>
              {rows.length === 0 && <p className="muted">No variables yet.</p>}
              <div className="row-list">
                {rows.map((row, index) => (
                  <div className="row" key={index} data-testid="variable-row">
                    <div className="row-inputs variable">
                      <input
                        aria-label={`Variable ${index + 1} name`}
                        data-testid="variable-key"
                        className="mono"
                        placeholder="name"
                        value={row.key}
                        spellCheck={false}
                        autoComplete="off"
                        aria-invalid={errorsAt(`variables[${index}].key`).length > 0 ? true : undefined}
                        onChange={(event) => setRow(index, { key: event.target.value })}
                      />
                      {row.secret && row.stored && !row.replacing ? (
                        <span className="secret-saved">
                          <span className="saved-marker" data-testid="variable-set">
                            set
                          </span>
                          <button
                            type="button"
                            aria-label={`Replace the value of ${row.key || `variable ${index + 1}`}`}
                            onClick={() => setRow(index, { replacing: true })}
                          >
                            Replace
                          </button>
                        </span>
                      ) : (
                        <input
                          aria-label={`Variable ${index + 1} value`}
                          data-testid="variable-value"
                          className="mono"
                          type={row.secret ? 'password' : 'text'}
                          placeholder={row.replacing ? 'Enter the new value (empty keeps the saved one)' : 'value'}
                          value={row.value}
                          spellCheck={false}
                          autoComplete="off"
                          onChange={(event) => setRow(index, { value: event.target.value })}
                        />
                      )}
                      <label className="variable-secret">
                        <input
                          type="checkbox"
                          data-testid="variable-secret"
                          checked={row.secret}
                          onChange={(event) =>
                            // A stored secret made plain is entered again: its value never came here.
                            setRow(index, {
                              secret: event.target.checked,
                              stored: event.target.checked && row.stored,
                              replacing: false,
                            })
                          }
                        />
                        Secret
                      </label>
                      <button
                        type="button"
                        className="icon-button"
                        aria-label={`Remove variable ${row.key || index + 1}`}
                        onClick={() => setRows((current) => current.filter((_, i) => i !== index))}
                      >
                        ×
                      </button>
                    </div>
                    {rowErrors(index).map((e) => (
                      <p key={`${e.field}-${e.message}`} className="field-error" role="alert" data-field={e.field}>
                        {e.message}
                      </p>
                    ))}
                  </div>
                ))}
              </div>
              <button
                type="button"
                className="link-button"
                data-testid="add-variable"
                onClick={() =>
                  setRows((current) => [
                    ...current,
                    { key: '', value: '', secret: false, stored: false, replacing: false },
                  ])
                }
              >
                + Add variable
              </button>
            </fieldset>
          </div>
        )}
        {problem && (
          <div className="error" role="alert" data-testid="variables-error">
            <p>{problem}</p>
            {otherErrors.map((e) => (
              <p key={`${e.field}-${e.message}`} className="detail">
                {e.message}
              </p>
            ))}
          </div>
        )}
        {routed.length > 0 && (
          <div className="note" role="status" data-testid="secrets-routed">
            <p>Saved. Stored secrets that need these variables now go here:</p>
            <ul>
              {routed.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          </div>
        )}
        {dropped && dropped.length > 0 && (
          <div className="note" role="status" data-testid="tokens-dropped">
            <p>Saved. These tokens had to be dropped; authorize again where you need them:</p>
            <ul>
              {dropped.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          </div>
        )}
        <div className="dialog-actions">
          <button type="button" data-testid="variables-close" onClick={onClose}>
            {dropped ? 'Done' : 'Cancel'}
          </button>
          <button type="submit" className="primary" data-testid="save-variables" disabled={!loaded || saving}>
            {saving ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    </div>
  );
}
