// The request as it was sent (already redacted by the core): method, URL, headers, body.
import type { SentRequest } from '../bindings/SentRequest';
import { HeadersTable } from './HeadersTable';

export function SentRequestView({ sent }: { sent: SentRequest }) {
  return (
    <div className="sent-request">
      <p className="mono">
        <strong>{sent.method}</strong> {sent.url}
      </p>
      {sent.headers.length > 0 && <HeadersTable headers={sent.headers} />}
      {sent.body !== '' && <pre className="body-text">{sent.body}</pre>}
    </div>
  );
}
