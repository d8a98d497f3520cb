// The device code grant's waiting state (RFC 8628): the code to enter, large, with Copy; Open,
// which opens the verification page (with the code filled in when the provider offers that) in
// the system browser; the time left before the code expires; and Cancel.
import type { DeviceCodeStarted } from '../bindings/DeviceCodeStarted';
import { useNow } from '../useNow';
import { CopyButton } from './CopyButton';
import { formatCountdown } from './TokenPanel';

export function DeviceCodeStatus({
  device,
  onOpen,
  onCancel,
}: {
  device: DeviceCodeStarted;
  onOpen: () => void;
  onCancel: () => void;
}) {
  const now = useNow(1000);
  const left = device.expiresAt - now;
  return (
    <div className="flow-status waiting device-code" role="status" data-testid="device-code-status">
      <p>
        <span className="spinner" aria-hidden="true" />
        Open <span data-testid="verification-uri">{device.verificationUri}</span> on any device and enter this code:
      </p>
      <p className="user-code" data-testid="user-code" aria-label="Code to enter">
        {device.userCode}
      </p>
      <div className="button-row">
        <CopyButton text={device.userCode} label="Copy code" testId="copy-user-code" />
        <button type="button" onClick={onOpen} data-testid="open-verification-page">
          Open
        </button>
        <button type="button" onClick={onCancel} data-testid="cancel-authorization">
          Cancel
        </button>
      </div>
      <p className="muted" data-testid="device-code-expiry">
        {left > 0 ? `The code expires in ${formatCountdown(left)}.` : 'The code expired: authorize again.'}
      </p>
    </div>
  );
}
