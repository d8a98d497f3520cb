// The OAuth 2.0 fields, in Appsmith's order, showing exactly the selected grant's fields.
// Which field belongs to which grant is decided in `oauthFieldsShown`.
import { useContext, useEffect, useState } from 'react';
import { redirectUrl } from '../api';
import type { ClientAuthentication } from '../bindings/ClientAuthentication';
import type { GrantType } from '../bindings/GrantType';
import type { KeyPlacement } from '../bindings/KeyPlacement';
import type { OAuth2Config } from '../bindings/OAuth2Config';
import type { RedirectKind } from '../bindings/RedirectKind';
import type { RefreshClientAuthentication } from '../bindings/RefreshClientAuthentication';
import { ADVANCED_OAUTH_FIELDS, oauthFieldsShown, type DatasourceForm } from '../state/datasourceForm';
import { CheckboxField } from './CheckboxField';
import { ClientAssertionKeyFields } from './ClientAssertionKeyFields';
import { CopyButton } from './CopyButton';
import { FormContext } from './FieldErrorsContext';
import { KeyValueRows } from './KeyValueRows';
import { SecretInput } from './SecretInput';
import { SelectField } from './SelectField';
import { TextField } from './TextField';

const GRANT_TYPES: { value: GrantType; label: string }[] = [
  { value: 'authorization_code', label: 'Authorization Code' },
  { value: 'client_credentials', label: 'Client Credentials' },
  { value: 'password', label: 'Password' },
  { value: 'device_code', label: 'Device Code' },
];

const TOKEN_PLACEMENTS: { value: KeyPlacement; label: string }[] = [
  { value: 'header', label: 'Request header' },
  { value: 'query', label: 'Request URL' },
];

const CLIENT_AUTHENTICATIONS: { value: ClientAuthentication; label: string }[] = [
  { value: 'body', label: 'Send client credentials in body' },
  { value: 'basic_header', label: 'Send as Basic Auth header' },
  { value: 'client_secret_jwt', label: 'Signed assertion with the client secret (client_secret_jwt)' },
  { value: 'tls_client_auth', label: 'Client certificate from a CA (tls_client_auth)' },
  { value: 'self_signed_tls_client_auth', label: 'Self-signed client certificate (self_signed_tls_client_auth)' },
  { value: 'private_key_jwt', label: 'Private key JWT (private_key_jwt)' },
];

/** The methods that authenticate with the datasource's client certificate (RFC 8705 §2): no secret. */
export function usesClientCertificate(method: ClientAuthentication): boolean {
  return method === 'tls_client_auth' || method === 'self_signed_tls_client_auth';
}

const REFRESH_AUTHENTICATIONS: { value: RefreshClientAuthentication; label: string }[] = [
  { value: 'same', label: 'Same as Client authentication' },
  { value: 'body', label: 'Body' },
  { value: 'header', label: 'Header' },
];

const REDIRECTS: { value: RedirectKind; label: string }[] = [
  { value: 'loopback', label: 'Loopback (http://127.0.0.1)' },
  { value: 'deep_link', label: 'Deep link (latchkey://)' },
];

export interface OAuthFieldsProps {
  form: DatasourceForm;
  onChange: (patch: Partial<DatasourceForm>) => void;
  /** Where to find the client id and secret, from the chosen provider preset. */
  clientIdHint?: string;
  /** Input ids of the endpoints the last Discover endpoints filled: their hint says so. */
  discoveredIds?: string[];
  /** The saved datasource (null while new) and the environment shown, for the saved private key. */
  datasourceId?: string | null;
  environmentId?: string;
}

const DISCOVERED_HINT = "Filled from the issuer's metadata by Discover endpoints.";

export function OAuthFields({
  form,
  onChange,
  clientIdHint,
  discoveredIds = [],
  datasourceId,
  environmentId,
}: OAuthFieldsProps) {
  const hintFor = (id: string, hint: string) => (discoveredIds.includes(id) ? DISCOVERED_HINT : hint);
  const auth = form.oauth2;
  const shown = oauthFieldsShown(auth.grantType);
  const set = (patch: Partial<OAuth2Config>) => onChange({ oauth2: { ...auth, ...patch } });
  const { errorsFor } = useContext(FormContext);
  const advancedHasErrors = ADVANCED_OAUTH_FIELDS.some(
    (field) => shown.has(field) && errorsFor(`auth.${field}`).length > 0,
  );
  const [advancedOpen, setAdvancedOpen] = useState(false);
  // Opened for an error, the section stays open once the error goes (fixed while typing in it).
  useEffect(() => {
    if (advancedHasErrors) setAdvancedOpen(true);
  }, [advancedHasErrors]);
  const portText = form.loopbackPortText.trim();
  const port = /^\d+$/.test(portText) ? Number(portText) : auth.loopbackPort;
  const redirect = redirectUrl({ redirect: auth.redirect, loopbackPort: port });
  const keyJwt = auth.clientAuthentication === 'private_key_jwt';
  // With private_key_jwt the secret is only for refreshes sent with the Body or Header setting;
  // with a client certificate method there is none.
  const secretUsed =
    !usesClientCertificate(auth.clientAuthentication) &&
    (!keyJwt || (shown.has('refreshClientAuthentication') && auth.refreshClientAuthentication !== 'same'));

  return (
    <div className="field-group oauth">
      <SelectField
        id="ds-auth-grantType"
        label="Grant type"
        testId="grant-type"
        path="auth.grantType"
        value={auth.grantType}
        options={GRANT_TYPES}
        onChange={(grantType) => set({ grantType })}
      />
      <SelectField
        id="ds-auth-addTokenTo"
        label="Add access token to"
        path="auth.addTokenTo"
        value={auth.addTokenTo}
        options={TOKEN_PLACEMENTS}
        onChange={(addTokenTo) => set({ addTokenTo })}
      />
      <TextField
        id="ds-auth-headerPrefix"
        label="Header prefix"
        testId="field-headerPrefix"
        path="auth.headerPrefix"
        value={auth.headerPrefix}
        onChange={(headerPrefix) => set({ headerPrefix })}
      />
      <TextField
        id="ds-auth-accessTokenUrl"
        label="Access token URL"
        testId="field-accessTokenUrl"
        path="auth.accessTokenUrl"
        type="url"
        hint={hintFor(
          'ds-auth-accessTokenUrl',
          "The provider's token endpoint, e.g. https://provider.example.com/oauth/token.",
        )}
        value={auth.accessTokenUrl}
        onChange={(accessTokenUrl) => set({ accessTokenUrl })}
      />
      <TextField
        id="ds-auth-clientId"
        label="Client ID"
        testId="field-clientId"
        path="auth.clientId"
        hint={clientIdHint}
        value={auth.clientId}
        onChange={(clientId) => set({ clientId })}
      />
      {secretUsed && (
        <SecretInput
          id="ds-auth-clientSecret"
          label="Client secret"
          testId="field-clientSecret"
          path="auth.clientSecret"
          value={auth.clientSecret}
          onChange={(clientSecret) => set({ clientSecret })}
        />
      )}
      {shown.has('username') && (
        <TextField
          id="ds-auth-username"
          label="Username"
          testId="field-username"
          path="auth.username"
          value={auth.username}
          onChange={(username) => set({ username })}
        />
      )}
      {shown.has('password') && (
        <SecretInput
          id="ds-auth-password"
          label="Password"
          testId="field-password"
          path="auth.password"
          value={auth.password}
          onChange={(password) => set({ password })}
        />
      )}
      <TextField
        id="ds-auth-scopes"
        label="Scopes"
        testId="field-scopes"
        path="auth.scopes"
        hint="Separate scopes with commas, e.g. files.content.read, account_info.read."
        value={form.scopesText}
        onChange={(scopesText) => onChange({ scopesText })}
      />
      {shown.has('authorizationUrl') && (
        <TextField
          id="ds-auth-authorizationUrl"
          label="Authorization URL"
          testId="field-authorizationUrl"
          path="auth.authorizationUrl"
          type="url"
          hint={hintFor(
            'ds-auth-authorizationUrl',
            'Where the browser asks for consent, e.g. https://provider.example.com/oauth/authorize.',
          )}
          value={auth.authorizationUrl}
          onChange={(authorizationUrl) => set({ authorizationUrl })}
        />
      )}
      {shown.has('deviceAuthorizationUrl') && (
        <TextField
          id="ds-auth-deviceAuthorizationUrl"
          label="Device authorization URL"
          testId="field-deviceAuthorizationUrl"
          path="auth.deviceAuthorizationUrl"
          type="url"
          hint={hintFor(
            'ds-auth-deviceAuthorizationUrl',
            'Where Latchkey asks for the code a person enters (RFC 8628), e.g. https://provider.example.com/oauth/device/code. Discovered from the Issuer when empty.',
          )}
          value={auth.deviceAuthorizationUrl}
          onChange={(deviceAuthorizationUrl) => set({ deviceAuthorizationUrl })}
        />
      )}
      {shown.has('redirect') && (
        <TextField
          id="ds-auth-redirectUrl"
          label="Redirect URL"
          testId="redirect-url"
          readOnly
          value={redirect}
          hint="Register this URL with the provider as an allowed redirect URI."
          after={<CopyButton text={redirect.replace(/ \(any free port\)$/, '')} />}
        />
      )}
      {shown.has('customAuthParams') && (
        <KeyValueRows
          id="ds-auth-customAuthParams"
          legend="Custom authentication parameters"
          noun="parameter"
          path="auth.customAuthParams"
          rows={auth.customAuthParams}
          empty="None: add one when the provider expects extra authorization parameters (e.g. access_type=offline)."
          onChange={(customAuthParams) => set({ customAuthParams })}
        />
      )}
      <SelectField
        id="ds-auth-clientAuthentication"
        label="Client authentication"
        path="auth.clientAuthentication"
        value={auth.clientAuthentication}
        options={CLIENT_AUTHENTICATIONS}
        hint={
          usesClientCertificate(auth.clientAuthentication)
            ? 'Uses the client certificate (Client certificate (mTLS) above): no client secret is sent.'
            : undefined
        }
        onChange={(clientAuthentication) => set({ clientAuthentication })}
      />
      {keyJwt && (
        <ClientAssertionKeyFields auth={auth} set={set} datasourceId={datasourceId} environmentId={environmentId} />
      )}
      {shown.has('customTokenParams') && (
        <KeyValueRows
          id="ds-auth-customTokenParams"
          legend="Custom token parameters"
          noun="parameter"
          path="auth.customTokenParams"
          rows={auth.customTokenParams}
          empty="None: add one when the provider expects extra parameters on token requests (e.g. a tenant)."
          onChange={(customTokenParams) => set({ customTokenParams })}
        />
      )}
      <TextField
        id="ds-auth-audience"
        label="Audience"
        testId="field-audience"
        path="auth.audience"
        value={auth.audience}
        onChange={(audience) => set({ audience })}
      />
      <TextField
        id="ds-auth-resource"
        label="Resource"
        testId="field-resource"
        path="auth.resource"
        value={auth.resource}
        onChange={(resource) => set({ resource })}
      />
      {shown.has('expiresInOverride') && (
        <TextField
          id="ds-auth-expiresInOverride"
          label="Authorization expires in (seconds)"
          testId="field-expiresInOverride"
          path="auth.expiresInOverride"
          type="number"
          hint="Used when the provider does not say when its tokens expire."
          value={form.expiresInText}
          onChange={(expiresInText) => onChange({ expiresInText })}
        />
      )}
      {shown.has('sendScopeWithRefreshToken') && (
        <CheckboxField
          id="ds-auth-sendScopeWithRefreshToken"
          label="Send scope with refresh token"
          path="auth.sendScopeWithRefreshToken"
          checked={auth.sendScopeWithRefreshToken}
          onChange={(sendScopeWithRefreshToken) => set({ sendScopeWithRefreshToken })}
        />
      )}
      {shown.has('sendCustomTokenParamsWithRefresh') && (
        <CheckboxField
          id="ds-auth-sendCustomTokenParamsWithRefresh"
          label="Send custom token parameters with refresh token"
          path="auth.sendCustomTokenParamsWithRefresh"
          checked={auth.sendCustomTokenParamsWithRefresh}
          onChange={(sendCustomTokenParamsWithRefresh) => set({ sendCustomTokenParamsWithRefresh })}
        />
      )}
      {shown.has('refreshClientAuthentication') && (
        <SelectField
          id="ds-auth-refreshClientAuthentication"
          label="Send client credentials with (on refresh token)"
          path="auth.refreshClientAuthentication"
          value={auth.refreshClientAuthentication}
          options={REFRESH_AUTHENTICATIONS}
          onChange={(refreshClientAuthentication) => set({ refreshClientAuthentication })}
        />
      )}
      <details className="advanced" open={advancedOpen || advancedHasErrors}>
        <summary
          onClick={(event) => {
            event.preventDefault();
            setAdvancedOpen(!(advancedOpen || advancedHasErrors));
          }}
        >
          Advanced settings
        </summary>
        {(advancedOpen || advancedHasErrors) && (
          <div className="advanced-body">
            {shown.has('pkce') && (
              <CheckboxField
                id="ds-auth-pkce"
                label="Use PKCE"
                path="auth.pkce"
                hint="Leave on unless the provider rejects PKCE."
                checked={auth.pkce}
                onChange={(pkce) => set({ pkce })}
              />
            )}
            {shown.has('redirect') && (
              <SelectField
                id="ds-auth-redirect"
                label="Redirect"
                path="auth.redirect"
                value={auth.redirect}
                options={REDIRECTS}
                onChange={(value) => set({ redirect: value })}
              />
            )}
            {shown.has('loopbackPort') && auth.redirect === 'loopback' && (
              <TextField
                id="ds-auth-loopbackPort"
                label="Loopback port"
                testId="field-loopbackPort"
                path="auth.loopbackPort"
                type="number"
                hint="0 picks any free port, for providers that accept any loopback port."
                value={form.loopbackPortText}
                onChange={(loopbackPortText) => onChange({ loopbackPortText })}
              />
            )}
            <TextField
              id="ds-auth-issuer"
              label="Issuer"
              testId="field-issuer"
              path="auth.issuer"
              type="url"
              hint="OpenID Connect issuer: empty endpoints are discovered from it."
              value={auth.issuer}
              onChange={(issuer) => set({ issuer })}
            />
            <TextField
              id="ds-auth-revocationUrl"
              label="Revocation URL"
              testId="field-revocationUrl"
              path="auth.revocationUrl"
              type="url"
              hint={hintFor('ds-auth-revocationUrl', 'Tokens are revoked here on Disconnect.')}
              value={auth.revocationUrl}
              onChange={(revocationUrl) => set({ revocationUrl })}
            />
          </div>
        )}
      </details>
    </div>
  );
}
