// What Save and Authorize / Save and Test / Disconnect are doing or did: the waiting state with
// the authorization URL and Cancel, then the result or the provider's error.
import type { AuthFlow } from '../state/authFlow';
import { flowOutcome } from '../state/authFlow';
import { CopyButton } from './CopyButton';
import { DeviceCodeStatus } from './DeviceCodeStatus';

export function AuthFlowStatus({
  flow,
  now,
  onCancel,
  onOpenDevicePage = () => undefined,
}: {
  flow: AuthFlow;
  now: number;
  onCancel: () => void;
  onOpenDevicePage?: () => void;
}) {
  if (flow.kind === 'running') {
    if (flow.action !== 'authorize') {
      return (
        <p className="flow-status" role="status">
          <span className="spinner" aria-hidden="true" />
          {flow.action === 'test' ? 'Requesting a token…' : 'Disconnecting…'}
        </p>
      );
    }
    if (flow.device) return <DeviceCodeStatus device={flow.device} onOpen={onOpenDevicePage} onCancel={onCancel} />;
    const started = flow.started;
    return (
      <div className="flow-status waiting" role="status">
        <p>
          <span className="spinner" aria-hidden="true" />
          {started === null
            ? 'Opening the browser for authorization…'
            : started.browserOpened
              ? 'Waiting for you to allow access in the browser…'
              : 'The browser could not be opened: open this URL to allow access.'}
        </p>
        {started && (
          <div className="input-row">
            <input
              aria-label="Authorization URL"
              readOnly
              value={started.authorizationUrl}
              data-testid="authorization-url"
            />
            <CopyButton text={started.authorizationUrl} />
          </div>
        )}
        <button type="button" onClick={onCancel} data-testid="cancel-authorization">
          Cancel
        </button>
      </div>
    );
  }
  const outcome = flowOutcome(flow, now);
  if (!outcome) return null;
  return (
    <div
      className={`flow-result ${outcome.ok ? 'ok' : 'failed'}`}
      data-testid="auth-result"
      role={outcome.ok ? 'status' : 'alert'}
    >
      <p>{outcome.text}</p>
      {outcome.detail?.split('\n').map((line) => (
        <p key={line} className="detail">
          {line}
        </p>
      ))}
    </div>
  );
}
