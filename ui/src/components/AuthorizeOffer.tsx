// What a failed send offers when the datasource is not authorized or needs authorization again
// (the error's `code`, never its text): an Authorize button right there. Authorization code
// opens the browser as Save and Authorize does; client credentials and password fetch a token.
import { useState } from 'react';
import { api, errorMessage } from '../api';
import type { ErrorCode } from '../bindings/ErrorCode';

export interface AuthorizeOfferProps {
  code: ErrorCode | null;
  datasourceId: string;
  /** Authorized: the token state changed (the list refreshes its badge). */
  onAuthorized?: () => void;
}

type Attempt = { kind: 'idle' } | { kind: 'running' } | { kind: 'done' } | { kind: 'failed'; message: string };

export function AuthorizeOffer({ code, datasourceId, onAuthorized }: AuthorizeOfferProps) {
  const [attempt, setAttempt] = useState<Attempt>({ kind: 'idle' });
  if (code !== 'not_authorized' && code !== 'needs_reauthorization') return null;

  async function authorize() {
    setAttempt({ kind: 'running' });
    try {
      await api.authorize(datasourceId);
      setAttempt({ kind: 'done' });
      onAuthorized?.();
    } catch (error) {
      setAttempt({ kind: 'failed', message: errorMessage(error) });
    }
  }

  return (
    <div className="authorize-offer" data-testid="authorize-offer">
      {attempt.kind === 'done' ? (
        <p role="status">Authorized: send the request again.</p>
      ) : (
        <>
          <button
            type="button"
            className="primary"
            data-testid="authorize-offer-button"
            disabled={attempt.kind === 'running'}
            onClick={() => void authorize()}
          >
            {attempt.kind === 'running'
              ? 'Authorizing… (finish in the browser)'
              : code === 'needs_reauthorization'
                ? 'Authorize again'
                : 'Authorize'}
          </button>
          {attempt.kind === 'running' && (
            <button type="button" onClick={() => void api.cancelAuthorization().catch(() => undefined)}>
              Cancel
            </button>
          )}
        </>
      )}
      {attempt.kind === 'failed' && (
        <p className="detail" role="alert">
          {attempt.message}
        </p>
      )}
    </div>
  );
}
