// "Client certificate (mTLS)": the certificate (PEM, the client's own first, then any
// intermediates), its private key and the key's passphrase. The datasource presents it to its
// URL's server and to its OAuth endpoints when they ask for one (RFC 8705); the OAuth 2.0
// Client authentication methods tls_client_auth and self_signed_tls_client_auth authenticate
// the client with it. The certificate is no secret; the key and passphrase are secret slots.
// The passphrase shows for an encrypted key typed in, or once one is saved.
import type { SecretField } from '../bindings/SecretField';
import { describedBy, FormField } from './FormField';
import { useFieldErrors } from './FieldErrorsContext';
import { needsPassphrase } from '../state/datasourceForm';
import { SecretInput } from './SecretInput';

export interface ClientCertificateFieldsProps {
  certificate: string;
  certificateKey: SecretField;
  passphrase: SecretField;
  onChange: (patch: {
    clientCertificate?: string;
    clientCertificateKey?: SecretField;
    clientCertificatePassphrase?: SecretField;
  }) => void;
}

export function ClientCertificateFields({
  certificate,
  certificateKey,
  passphrase,
  onChange,
}: ClientCertificateFieldsProps) {
  const errors = useFieldErrors('clientCertificate');
  const hint =
    'For servers that ask for a client certificate (mutual TLS). Paste it in PEM format: -----BEGIN CERTIFICATE-----, the client’s own first.';
  return (
    <fieldset className="rows" data-testid="client-certificate">
      <legend>Client certificate (mTLS)</legend>
      <FormField id="ds-clientCertificate" label="Client certificate (PEM)" path="clientCertificate" hint={hint}>
        <textarea
          id="ds-clientCertificate"
          data-testid="field-clientCertificate"
          rows={6}
          spellCheck={false}
          autoComplete="off"
          value={certificate}
          aria-invalid={errors.length > 0 ? true : undefined}
          aria-describedby={describedBy('ds-clientCertificate', true, errors.length > 0)}
          onChange={(event) => onChange({ clientCertificate: event.target.value })}
        />
      </FormField>
      <SecretInput
        id="ds-clientCertificateKey"
        label="Client certificate key"
        path="clientCertificateKey"
        testId="field-clientCertificateKey"
        multiline
        hint="Its private key: -----BEGIN PRIVATE KEY----- (or RSA, EC, ENCRYPTED PRIVATE KEY)."
        value={certificateKey}
        onChange={(clientCertificateKey) => onChange({ clientCertificateKey })}
      />
      {needsPassphrase(certificateKey, passphrase) && (
        <SecretInput
          id="ds-clientCertificatePassphrase"
          label="Key passphrase"
          path="clientCertificatePassphrase"
          testId="field-clientCertificatePassphrase"
          hint="The passphrase of the encrypted key (ENCRYPTED PRIVATE KEY)."
          value={passphrase}
          onChange={(clientCertificatePassphrase) => onChange({ clientCertificatePassphrase })}
        />
      )}
    </fieldset>
  );
}
