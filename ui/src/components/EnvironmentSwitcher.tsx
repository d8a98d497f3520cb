// The environment switcher at the top of the sidebar: the active environment (a production one
// marked), and a menu with every environment to pick, New environment…, Edit variables… and
// Delete (asks first; the last environment cannot go). Creating asks for a name and whether it is
// production in a small dialog. What an environment holds is edited in VariablesEditor.
import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '../api';
import type { EnvironmentSummary } from '../bindings/EnvironmentSummary';
import { fieldErrorsOf } from '../state/fieldErrors';
import { ConfirmDialog } from './ConfirmDialog';

export interface EnvironmentSwitcherProps {
  environments: EnvironmentSummary[];
  active: EnvironmentSummary | null;
  /** Why the list could not be read, if it could not. */
  error?: string | null;
  onPick: (id: string) => void;
  /** Creates the environment (and makes it active); rejects with the core's error. */
  onCreate: (name: string, production: boolean) => Promise<void>;
  onEditVariables: () => void;
  /** Deletes the environment; rejects with the core's error. */
  onDelete: (environment: EnvironmentSummary) => Promise<void>;
}

export function EnvironmentSwitcher({
  environments,
  active,
  error,
  onPick,
  onCreate,
  onEditVariables,
  onDelete,
}: EnvironmentSwitcherProps) {
  const [open, setOpen] = useState(false);
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<EnvironmentSummary | null>(null);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const root = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const onDown = (event: MouseEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setOpen(false);
    };
    window.addEventListener('mousedown', onDown);
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('mousedown', onDown);
      window.removeEventListener('keydown', onKey);
    };
  }, [open]);

  function choose(action: () => void) {
    setOpen(false);
    action();
  }

  return (
    <div className="env-switcher" ref={root}>
      <button
        type="button"
        className={`env-current${active?.production ? ' production' : ''}`}
        data-testid="environment-switcher"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-label={`Environment: ${active?.name ?? 'none'}`}
        onClick={() => setOpen((current) => !current)}
      >
        <span className="env-caption">Environment</span>
        <span className="env-name" data-testid="active-environment">
          {active?.name ?? '…'}
        </span>
        {active?.production && <span className="badge env-production-badge">Production</span>}
        <span className="env-caret" aria-hidden="true">
          ▾
        </span>
      </button>
      {error && (
        <p className="error-text sidebar-note" role="alert">
          {error}
        </p>
      )}
      {open && (
        <div className="env-menu" role="menu" aria-label="Environments" data-testid="environment-menu">
          {environments.map((env) => (
            <button
              key={env.id}
              type="button"
              role="menuitemradio"
              aria-checked={env.id === active?.id}
              className="env-option"
              data-testid="environment-option"
              data-name={env.name}
              onClick={() => choose(() => onPick(env.id))}
            >
              <span className="env-check" aria-hidden="true">
                {env.id === active?.id ? '✓' : ''}
              </span>
              <span className="env-option-name">{env.name}</span>
              {env.production && <span className="badge env-production-badge">Production</span>}
              <span className="env-count">
                {env.variables} {env.variables === 1 ? 'variable' : 'variables'}
              </span>
            </button>
          ))}
          <hr />
          <button
            type="button"
            role="menuitem"
            data-testid="new-environment"
            onClick={() => choose(() => setCreating(true))}
          >
            New environment…
          </button>
          <button
            type="button"
            role="menuitem"
            data-testid="edit-variables"
            disabled={active === null}
            onClick={() => choose(onEditVariables)}
          >
            Edit variables{active ? ` of ${active.name}` : ''}…
          </button>
          <button
            type="button"
            role="menuitem"
            className="env-delete"
            data-testid="delete-environment"
            disabled={active === null || environments.length <= 1}
            title={
              environments.length <= 1 ? 'The only environment cannot be deleted: create another first' : undefined
            }
            onClick={() =>
              choose(() => {
                setDeleteError(null);
                setDeleting(active);
              })
            }
          >
            Delete {active ? `“${active.name}”` : 'environment'}…
          </button>
        </div>
      )}
      {deleteError && (
        <p className="error-text sidebar-note" role="alert" data-testid="environment-delete-error">
          {deleteError}
        </p>
      )}
      {creating && (
        <NewEnvironmentDialog
          onCancel={() => setCreating(false)}
          onCreate={async (name, production) => {
            await onCreate(name, production);
            setCreating(false);
          }}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title={`Delete environment “${deleting.name}”?`}
          message={`Its variables, the tokens obtained in it and every datasource's overrides for ${deleting.name} are deleted. Datasources themselves stay.`}
          confirmLabel="Delete environment"
          onCancel={() => setDeleting(null)}
          onConfirm={() => {
            const env = deleting;
            setDeleting(null);
            onDelete(env).catch((caught: unknown) => setDeleteError(errorMessage(caught)));
          }}
        />
      )}
    </div>
  );
}

function NewEnvironmentDialog({
  onCreate,
  onCancel,
}: {
  onCreate: (name: string, production: boolean) => Promise<void>;
  onCancel: () => void;
}) {
  const [name, setName] = useState('');
  const [production, setProduction] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);

  async function submit() {
    setBusy(true);
    setError(null);
    try {
      await onCreate(name.trim(), production);
    } catch (caught) {
      const fields = fieldErrorsOf(caught);
      setError(fields.length > 0 ? fields.map((f) => f.message).join('; ') : errorMessage(caught));
      setBusy(false);
    }
  }

  return (
    <div className="dialog-backdrop">
      <form
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="new-env-title"
        data-testid="new-environment-dialog"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
        onKeyDown={(event) => {
          if (event.key === 'Escape') onCancel();
        }}
      >
        <h2 id="new-env-title">New environment</h2>
        <div className="field">
          <label htmlFor="new-env-name" className="field-label">
            Name
          </label>
          <input
            id="new-env-name"
            ref={input}
            data-testid="new-environment-name"
            value={name}
            placeholder="staging"
            autoComplete="off"
            spellCheck={false}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'new-env-error' : undefined}
            onChange={(event) => setName(event.target.value)}
          />
          {error && (
            <p id="new-env-error" className="field-error" role="alert">
              {error}
            </p>
          )}
        </div>
        <div className="checkbox-row">
          <input
            id="new-env-production"
            type="checkbox"
            data-testid="new-environment-production"
            checked={production}
            onChange={(event) => setProduction(event.target.checked)}
          />
          <label htmlFor="new-env-production">Production (a coloured bar, and non-GET requests ask first)</label>
        </div>
        <div className="dialog-actions">
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="primary" data-testid="create-environment" disabled={busy}>
            {busy ? 'Creating…' : 'Create'}
          </button>
        </div>
      </form>
    </div>
  );
}
