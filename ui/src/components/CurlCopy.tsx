// "Copy as cURL": the command for the current request, secrets redacted unless asked for.
import { useState } from 'react';
import { api, errorMessage } from '../api';
import type { RequestSpec } from '../bindings/RequestSpec';
import { copyText } from '../clipboard';

export function CurlCopy({ datasourceId, request, disabled }: { datasourceId: string; request: () => RequestSpec; disabled?: boolean }) {
  const [includeSecrets, setIncludeSecrets] = useState(false);
  const [result, setResult] = useState<{ command: string; copied: boolean; revealed: boolean } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function copy() {
    setBusy(true);
    setError(null);
    try {
      const command = await api.curlCommand(datasourceId, request(), includeSecrets);
      const copied = await copyText(command);
      setResult({ command, copied, revealed: includeSecrets });
    } catch (err) {
      setResult(null);
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="curl">
      <div className="curl-controls">
        <button type="button" data-testid="copy-curl" disabled={disabled || busy} onClick={() => void copy()}>
          {busy ? 'Preparing…' : 'Copy as cURL'}
        </button>
        <input id="rq-curl-secrets" type="checkbox" checked={includeSecrets} onChange={(event) => setIncludeSecrets(event.target.checked)} />
        <label htmlFor="rq-curl-secrets">Include secrets</label>
      </div>
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      {result && (
        <div className="curl-result">
          <p className="hint">
            {result.copied ? 'Copied to the clipboard' : 'Could not reach the clipboard: copy it from here'}
            {result.revealed ? ' — it contains secrets.' : ' (secrets redacted).'}
          </p>
          <pre className="body-text" data-testid="curl-command">
            {result.command}
          </pre>
        </div>
      )}
    </div>
  );
}
