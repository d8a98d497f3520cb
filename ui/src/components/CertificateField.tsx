// "Use self-signed certificate": a PEM pasted or loaded from a file, trusted for the host of
// this datasource's URL only. The certificate is a secret slot like the others. For OAuth 2.0,
// "Use self-signed certificate for authorization requests" extends it to the token and
// revocation endpoints.
import { useRef, useState } from 'react';
import type { SecretField } from '../bindings/SecretField';
import { CheckboxField } from './CheckboxField';
import { SecretInput } from './SecretInput';

export interface CertificateFieldProps {
  enabled: boolean;
  value: SecretField;
  onChange: (patch: { useCertificate?: boolean; selfSignedCertificate?: SecretField }) => void;
  /** For OAuth 2.0 datasources: whether the certificate is trusted for the OAuth endpoints too. */
  forAuth?: { checked: boolean; onChange: (checked: boolean) => void };
}

export function CertificateField({ enabled, value, onChange, forAuth }: CertificateFieldProps) {
  const [readError, setReadError] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  function load(file: File | undefined) {
    if (!file) return;
    const reader = new FileReader();
    reader.onload = () => {
      setReadError(null);
      onChange({ selfSignedCertificate: String(reader.result ?? '') });
    };
    reader.onerror = () => setReadError(`Could not read ${file.name}.`);
    reader.readAsText(file);
  }

  return (
    <div className="field-group">
      <CheckboxField
        id="ds-useCertificate"
        label="Use self-signed certificate"
        checked={enabled}
        onChange={(useCertificate) => onChange({ useCertificate })}
        overridePath="selfSignedCertificate"
        hint="Trust a certificate in PEM format for the host of this datasource's URL only."
      />
      {enabled && (
        <SecretInput
          id="ds-selfSignedCertificate"
          label="Certificate (PEM)"
          path="selfSignedCertificate"
          overridePath={null}
          testId="field-selfSignedCertificate"
          multiline
          hint="Paste the certificate: it starts with -----BEGIN CERTIFICATE-----."
          value={value}
          onChange={(selfSignedCertificate) => onChange({ selfSignedCertificate })}
          extra={
            <div className="file-load">
              <button
                type="button"
                className="link-button"
                data-testid="load-certificate"
                onClick={() => fileInput.current?.click()}
              >
                Load from a file…
              </button>
              {/* Not laid out at all (`hidden`): an input kept in the layout off-screen made the
                  whole window scrollable on both axes once the field appeared. */}
              <input
                ref={fileInput}
                id="ds-certificate-file"
                hidden
                tabIndex={-1}
                type="file"
                accept=".pem,.crt,.cer,application/x-pem-file"
                onChange={(event) => {
                  load(event.target.files?.[0]);
                  event.target.value = '';
                }}
              />
              {readError && <span className="error-text">{readError}</span>}
            </div>
          }
        />
      )}
      {enabled && forAuth && (
        <CheckboxField
          id="ds-auth-useSelfSignedCertForAuth"
          label="Use self-signed certificate for authorization requests"
          path="auth.useSelfSignedCertForAuth"
          testId="field-useSelfSignedCertForAuth"
          checked={forAuth.checked}
          onChange={forAuth.onChange}
          hint="Also trust it for the Access Token and Revocation URLs when they are on another host. Leave off unless your provider uses this certificate."
        />
      )}
    </div>
  );
}
