// "Copy as cURL": the Rust side puts the command for the current request on the clipboard, with
// the datasource's secrets when "Include secrets" is ticked, and answers with the redacted
// command only: the page never holds the command with secrets. The redacted command is shown
// (to copy by hand when the clipboard refused) only while it is the command of the request and
// checkbox on screen.
import { useState } from 'react';
import { api, errorMessage } from '../api';
import type { CurlCopy as Copied } from '../bindings/CurlCopy';
import type { RequestSpec } from '../bindings/RequestSpec';

/** What a copy was made of: the shown result is dropped as soon as this changes. */
function copyKey(datasourceId: string, request: RequestSpec, includeSecrets: boolean): string {
  return JSON.stringify([datasourceId, request, includeSecrets]);
}

export function CurlCopy({
  datasourceId,
  request,
  disabled,
}: {
  datasourceId: string;
  request: () => RequestSpec;
  disabled?: boolean;
}) {
  const [includeSecrets, setIncludeSecrets] = useState(false);
  const [result, setResult] = useState<{ key: string; copied: Copied; withSecrets: boolean } | null>(null);
  const [error, setError] = useState<{ key: string; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const key = copyKey(datasourceId, request(), includeSecrets);

  async function copy() {
    const spec = request();
    const asked = copyKey(datasourceId, spec, includeSecrets);
    const withSecrets = includeSecrets;
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const copied = await api.copyCurlCommand(datasourceId, spec, withSecrets);
      setResult({ key: asked, copied, withSecrets });
    } catch (err) {
      setError({ key: asked, message: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  }

  const shown = result?.key === key ? result : null;
  return (
    <div className="curl">
      <div className="curl-controls">
        <button type="button" data-testid="copy-curl" disabled={disabled || busy} onClick={() => void copy()}>
          {busy ? 'Preparing…' : 'Copy as cURL'}
        </button>
        {/* One item, so a narrow window wraps the box and its label together. */}
        <span>
          <input
            id="rq-curl-secrets"
            type="checkbox"
            data-testid="curl-secrets"
            checked={includeSecrets}
            onChange={(event) => setIncludeSecrets(event.target.checked)}
          />{' '}
          <label htmlFor="rq-curl-secrets">Include secrets</label>
        </span>
      </div>
      {error?.key === key && (
        <p className="error-text" role="alert">
          {error.message}
        </p>
      )}
      {shown && (
        <div className="curl-result">
          <p className="hint" data-testid="curl-status">
            {shown.copied.copied
              ? shown.withSecrets
                ? 'Copied to the clipboard with the secrets: paste it only where you would type them. Shown here redacted.'
                : 'Copied to the clipboard (secrets redacted).'
              : `Could not reach the clipboard (${shown.copied.clipboardProblem ?? 'no reason given'}): copy it from here${shown.withSecrets ? '; the secrets are redacted here, add them yourself' : ' (secrets redacted)'}.`}
          </p>
          <pre className="body-text" data-testid="curl-command">
            {shown.copied.redacted}
          </pre>
        </div>
      )}
    </div>
  );
}
