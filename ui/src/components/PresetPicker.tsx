// "Start from a provider" for a new datasource: a preset fills the URL and the OAuth 2.0 setup;
// a generic OpenID Connect preset asks for the issuer and discovers the endpoints.
import { useEffect, useState } from 'react';
import { api, errorMessage } from '../api';
import type { Preset } from '../bindings/Preset';
import { TextField } from './TextField';

export interface PresetPickerProps {
  selected: Preset | null;
  onPick: (preset: Preset) => void;
  issuer: string;
  onIssuerChange: (issuer: string) => void;
  onDiscover: () => void;
  discovering: boolean;
  discoverError: string | null;
  /** What the last Discover endpoints filled, in words. */
  discovered?: string | null;
}

export function PresetPicker({
  selected,
  onPick,
  issuer,
  onIssuerChange,
  onDiscover,
  discovering,
  discoverError,
  discovered,
}: PresetPickerProps) {
  const [presets, setPresets] = useState<Preset[]>([]);
  const [loadError, setLoadError] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    api
      .presets()
      .then((list) => current && setPresets(list))
      .catch((error: unknown) => current && setLoadError(errorMessage(error)));
    return () => {
      current = false;
    };
  }, []);

  if (loadError) return <p className="hint">Provider presets are unavailable: {loadError}</p>;
  if (presets.length === 0) return null;

  return (
    <section className="presets" aria-labelledby="presets-title">
      <h3 id="presets-title">Start from a provider</h3>
      <div className="preset-list" role="group" aria-label="Providers">
        {presets.map((preset) => (
          <button
            key={preset.id}
            type="button"
            className="preset"
            aria-pressed={selected?.id === preset.id}
            data-testid={`preset-${preset.id}`}
            onClick={() => onPick(preset)}
          >
            {preset.name}
          </button>
        ))}
      </div>
      {selected?.needsIssuer && (
        <div className="discover">
          <TextField
            id="ds-preset-issuer"
            label="Issuer URL"
            path="auth.issuer"
            testId="preset-issuer"
            hint="The provider's OpenID Connect issuer, e.g. https://login.example.com; its endpoints are looked up from it."
            value={issuer}
            onChange={onIssuerChange}
            after={
              <button
                type="button"
                data-testid="discover"
                onClick={onDiscover}
                disabled={discovering || issuer.trim() === ''}
              >
                {discovering ? 'Discovering…' : 'Discover endpoints'}
              </button>
            }
          />
          {discovered && (
            <p className="hint discovered" role="status" data-testid="discovered">
              {discovered}
            </p>
          )}
          {discoverError && (
            <p className="error-text" role="alert">
              {discoverError}
            </p>
          )}
        </div>
      )}
    </section>
  );
}
