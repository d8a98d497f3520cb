// "Authentication type" and the fields of the selected type only.
import type { AuthType } from '../bindings/AuthType';
import type { KeyPlacement } from '../bindings/KeyPlacement';
import type { DatasourceForm } from '../state/datasourceForm';
import { AUTH_TYPE_LABELS } from '../state/format';
import { OAuthFields } from './OAuthFields';
import { SecretInput } from './SecretInput';
import { SelectField } from './SelectField';
import { TextField } from './TextField';

const AUTH_TYPES: { value: AuthType; label: string }[] = (['none', 'basic', 'oauth2', 'apiKey', 'bearer'] as const).map(
  (value) => ({ value, label: AUTH_TYPE_LABELS[value] }),
);

const KEY_PLACEMENTS: { value: KeyPlacement; label: string }[] = [
  { value: 'header', label: 'Header' },
  { value: 'query', label: 'Query parameter' },
];

export interface AuthFieldsProps {
  form: DatasourceForm;
  onChange: (patch: Partial<DatasourceForm>) => void;
  clientIdHint?: string;
  /** Input ids of the endpoints the last Discover endpoints filled. */
  discoveredIds?: string[];
  /** The saved datasource (null while new) and the environment shown. */
  datasourceId?: string | null;
  environmentId?: string;
}

export function AuthFields({
  form,
  onChange,
  clientIdHint,
  discoveredIds,
  datasourceId,
  environmentId,
}: AuthFieldsProps) {
  const { basic, apiKey, bearer } = form;
  return (
    <section className="section" aria-labelledby="auth-title">
      <h3 id="auth-title">Authentication</h3>
      <SelectField
        id="ds-authType"
        label="Authentication type"
        testId="auth-type"
        overridePath="auth.type"
        value={form.authType}
        options={AUTH_TYPES}
        onChange={(authType) => onChange({ authType })}
      />
      {form.authType === 'basic' && (
        <div className="field-group">
          <TextField
            id="ds-auth-username"
            label="Username"
            testId="field-username"
            path="auth.username"
            value={basic.username}
            onChange={(username) => onChange({ basic: { ...basic, username } })}
          />
          <SecretInput
            id="ds-auth-password"
            label="Password"
            testId="field-password"
            path="auth.password"
            value={basic.password}
            onChange={(password) => onChange({ basic: { ...basic, password } })}
          />
        </div>
      )}
      {form.authType === 'apiKey' && (
        <div className="field-group">
          <TextField
            id="ds-auth-key"
            label="Key"
            testId="field-key"
            path="auth.key"
            hint="The name of the header or query parameter that carries the key, e.g. X-API-Key."
            value={apiKey.key}
            onChange={(key) => onChange({ apiKey: { ...apiKey, key } })}
          />
          <SecretInput
            id="ds-auth-value"
            label="Value"
            testId="field-value"
            path="auth.value"
            value={apiKey.value}
            onChange={(value) => onChange({ apiKey: { ...apiKey, value } })}
          />
          <SelectField
            id="ds-auth-addTo"
            label="Add to"
            path="auth.addTo"
            value={apiKey.addTo}
            options={KEY_PLACEMENTS}
            onChange={(addTo) => onChange({ apiKey: { ...apiKey, addTo } })}
          />
          {apiKey.addTo === 'header' && (
            <TextField
              id="ds-auth-apiKeyPrefix"
              label="Header prefix"
              testId="field-headerPrefix"
              path="auth.headerPrefix"
              hint="Optional, e.g. Token: sent before the key, separated by a space."
              value={apiKey.headerPrefix}
              onChange={(headerPrefix) => onChange({ apiKey: { ...apiKey, headerPrefix } })}
            />
          )}
        </div>
      )}
      {form.authType === 'bearer' && (
        <div className="field-group">
          <SecretInput
            id="ds-auth-token"
            label="Bearer token"
            testId="field-token"
            path="auth.token"
            value={bearer.token}
            onChange={(token) => onChange({ bearer: { ...bearer, token } })}
          />
        </div>
      )}
      {form.authType === 'oauth2' && (
        <OAuthFields
          form={form}
          onChange={onChange}
          clientIdHint={clientIdHint}
          discoveredIds={discoveredIds}
          datasourceId={datasourceId}
          environmentId={environmentId}
        />
      )}
    </section>
  );
}
