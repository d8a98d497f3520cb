// The fields of `private_key_jwt` client authentication: the private key (a write-only secret
// like the certificate), the algorithm, the Key ID, and the public key to register with the
// provider. The public JWK is derived by the Rust side from the key just typed, or from the
// saved key (the UI only knows that one is set), and shown with a Copy button.
import { useEffect, useState } from 'react';
import { api, errorMessage, isErrorPayload } from '../api';
import type { ClientAssertionAlg } from '../bindings/ClientAssertionAlg';
import type { OAuth2Config } from '../bindings/OAuth2Config';
import type { PublicKeyToRegister } from '../bindings/PublicKeyToRegister';
import { isSecretSaved } from '../state/datasourceForm';
import { CopyButton } from './CopyButton';
import { FieldErrors } from './FieldErrors';
import { FormField } from './FormField';
import { SecretInput } from './SecretInput';
import { SelectField } from './SelectField';
import { TextField } from './TextField';

const ALGORITHMS: { value: ClientAssertionAlg; label: string }[] = [
  { value: 'by_key', label: 'By key (RS256, ES256 or EdDSA)' },
  { value: 'RS256', label: 'RS256 (RSA)' },
  { value: 'PS256', label: 'PS256 (RSA-PSS)' },
  { value: 'ES256', label: 'ES256 (EC P-256)' },
  { value: 'EdDSA', label: 'EdDSA (Ed25519)' },
];

export interface ClientAssertionKeyFieldsProps {
  auth: OAuth2Config;
  set: (patch: Partial<OAuth2Config>) => void;
  /** The saved datasource, whose stored key the public key is derived from; null while new. */
  datasourceId?: string | null;
  /** The environment whose key (the base's or its own) is shown. */
  environmentId?: string;
}

type Derived =
  { kind: 'none' } | { kind: 'key'; key: PublicKeyToRegister } | { kind: 'error'; field: string; message: string };

export function ClientAssertionKeyFields({ auth, set, datasourceId, environmentId }: ClientAssertionKeyFieldsProps) {
  const [derived, setDerived] = useState<Derived>({ kind: 'none' });
  const key = auth.clientAssertionKey;
  const typed = typeof key === 'string' && key.trim() !== '' ? key : null;
  const saved = isSecretSaved(key) && Boolean(datasourceId);
  const alg = auth.clientAssertionAlg;
  const kid = auth.clientAssertionKid;

  useEffect(() => {
    if (typed === null && !saved) {
      setDerived({ kind: 'none' });
      return;
    }
    let current = true;
    api
      .clientPublicKey({
        key: typed,
        id: typed === null ? (datasourceId ?? null) : null,
        environmentId: typed === null ? (environmentId ?? null) : null,
        alg,
        kid,
      })
      .then((publicKey) => current && setDerived({ kind: 'key', key: publicKey }))
      .catch((error: unknown) => {
        if (!current) return;
        const field = isErrorPayload(error) ? error.fields[0] : undefined;
        setDerived({
          kind: 'error',
          field: field?.field ?? 'auth.clientAssertionKey',
          message: field?.message ?? errorMessage(error),
        });
      });
    return () => {
      current = false;
    };
  }, [typed, saved, datasourceId, environmentId, alg, kid]);

  return (
    <div className="field-group" data-testid="client-assertion-key">
      <SecretInput
        id="ds-auth-clientAssertionKey"
        label="Private key"
        testId="field-clientAssertionKey"
        path="auth.clientAssertionKey"
        multiline
        hint="PEM (-----BEGIN PRIVATE KEY-----, RSA PRIVATE KEY or EC PRIVATE KEY) or a private JWK. It signs the client assertion and never leaves this computer."
        value={key}
        onChange={(clientAssertionKey) => set({ clientAssertionKey })}
      />
      <SelectField
        id="ds-auth-clientAssertionAlg"
        label="Algorithm"
        path="auth.clientAssertionAlg"
        value={alg}
        options={ALGORITHMS}
        onChange={(clientAssertionAlg) => set({ clientAssertionAlg })}
      />
      <TextField
        id="ds-auth-clientAssertionKid"
        label="Key ID"
        testId="field-clientAssertionKid"
        path="auth.clientAssertionKid"
        hint="Sent as kid in the assertion. Empty: the JWK's own kid, else none (the public key below then carries its RFC 7638 thumbprint)."
        value={kid}
        onChange={(clientAssertionKid) => set({ clientAssertionKid })}
      />
      {derived.kind === 'key' && (
        <FormField
          id="ds-auth-publicKey"
          label="Public key to register"
          hint="Register this JWK with the provider for this client (in its console, or in the client's JWKS)."
        >
          <textarea
            id="ds-auth-publicKey"
            className="mono"
            data-testid="public-jwk"
            readOnly
            rows={derived.key.jwk.split('\n').length}
            value={derived.key.jwk}
            aria-describedby="ds-auth-publicKey-hint"
          />
          <CopyButton text={derived.key.jwk} testId="copy-public-jwk" />
        </FormField>
      )}
      {derived.kind === 'error' && (
        <FieldErrors id="ds-auth-publicKey-error" path={derived.field} messages={[derived.message]} />
      )}
    </div>
  );
}
