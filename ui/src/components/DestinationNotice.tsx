// What saving will ask for again — saved secrets whose destination moved, OAuth tokens that no
// longer belong to the datasource — shown before the person saves; and what a save dropped.
import type { DestinationCheck } from '../bindings/DestinationCheck';

/** The editor's names of the secret fields the core reports by path. */
const SECRET_LABELS: Record<string, string> = {
  signatureSecret: 'Signature secret',
  selfSignedCertificate: 'Self-signed certificate',
  clientCertificateKey: 'Client certificate key',
  clientCertificatePassphrase: 'Client certificate key passphrase',
  'auth.password': 'Password',
  'auth.value': 'Value (the API key)',
  'auth.token': 'Bearer token',
  'auth.clientSecret': 'Client Secret',
};

export function secretLabel(field: string): string {
  return SECRET_LABELS[field] ?? field;
}

export function DestinationNotice({ check, dropped }: { check: DestinationCheck | null; dropped: string | null }) {
  const moved = check?.movedSecrets ?? [];
  const tokens = check?.tokensDropped ?? null;
  if (moved.length === 0 && tokens === null && dropped === null) return null;
  return (
    <div className="notice notice-warn notice-stack" role="status" data-testid="destination-notice">
      {moved.length > 0 && (
        <>
          <p>Saving these changes needs these saved secrets entered again (Replace them):</p>
          <ul>
            {moved.map((secret) => (
              <li key={secret.field} data-testid={`moved-${secret.field}`}>
                <strong>{secretLabel(secret.field)}</strong>: {secret.message}
              </li>
            ))}
          </ul>
        </>
      )}
      {tokens !== null && (
        <p data-testid="tokens-will-drop">
          Saving will disconnect this datasource ({tokens}): authorize it again afterwards.
        </p>
      )}
      {dropped !== null && tokens === null && moved.length === 0 && (
        <p data-testid="tokens-dropped">The saved tokens were dropped ({dropped}): authorize the datasource again.</p>
      )}
    </div>
  );
}
