// Which fields the active environment overrides, for the datasource editor: beside each field
// that an environment can set differently, the environment's badge with "Reset to base" when
// it does, "Override for <env>" when it does not. Nothing at all when there is no environment
// to override for (a vault with one environment). The rules are in `state/datasourceForm.ts`.
import { createContext, useContext } from 'react';
import { isOverridable } from '../state/datasourceForm';

export interface OverrideControls {
  /** The active environment's name; `null`: no override controls. */
  environment: string | null;
  isOverridden: (path: string) => boolean;
  /** Whether the environment sets the whole `auth` (another type): its fields have no controls of their own. */
  wholeAuth: boolean;
  override: (path: string) => void;
  reset: (path: string) => void;
}

export const OverrideContext = createContext<OverrideControls>({
  environment: null,
  isOverridden: () => false,
  wholeAuth: false,
  override: () => {},
  reset: () => {},
});

/** The override state of the field at `path` in the active environment (`null`: no controls for it). */
export function useOverride(path: string | null | undefined): { environment: string; overridden: boolean } | null {
  const controls = useContext(OverrideContext);
  if (controls.environment === null || !path || !isOverridable(path)) return null;
  return { environment: controls.environment, overridden: controls.isOverridden(path) };
}

export interface OverrideMarkerProps {
  /** The override path: `url`, `headers`, `auth.clientId`, `auth.type` (the whole `auth`). */
  path: string | null | undefined;
  /** The field's label, for the buttons' accessible names. */
  label: string;
}

export function OverrideMarker({ path, label }: OverrideMarkerProps) {
  const controls = useContext(OverrideContext);
  const state = useOverride(path);
  if (state === null || !path) return null;
  const { environment, overridden } = state;
  const inWholeAuth = controls.wholeAuth && path.startsWith('auth.') && path !== 'auth.type';
  return (
    <span
      className="override-marker"
      data-testid="override-control"
      data-field={path}
      style={{ display: 'inline-flex', gap: 8, alignItems: 'center', fontWeight: 'normal' }}
    >
      {overridden && (
        <span
          className="badge badge-warn"
          data-testid="override-marker"
          data-field={path}
          title={
            inWholeAuth
              ? `${environment} has its own authentication: every field of it is ${environment}'s`
              : `${label} is set for ${environment} only; the other environments use the base value`
          }
        >
          {environment}
        </span>
      )}
      {overridden && !inWholeAuth && (
        <button
          type="button"
          className="link-button"
          aria-label={`Reset ${label} to base`}
          onClick={() => controls.reset(path)}
        >
          Reset to base
        </button>
      )}
      {!overridden && (
        <button
          type="button"
          className="link-button"
          aria-label={`Override ${label} for ${environment}`}
          onClick={() => controls.override(path)}
        >
          Override for {environment}
        </button>
      )}
    </span>
  );
}
