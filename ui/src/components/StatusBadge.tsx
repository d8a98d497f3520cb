// The OAuth 2.0 token badge: "Authorized · expires in 42 min", "Needs authorization", "Not authorized".
import type { TokenStatus } from '../bindings/TokenStatus';
import { tokenBadge } from '../state/format';

export function StatusBadge({ status, expiresAt, now }: { status: TokenStatus; expiresAt: number | null; now: number }) {
  const { text, tone } = tokenBadge(status, expiresAt, now);
  return (
    <span className={`badge badge-${tone}`} data-testid="badge" data-status={status}>
      {text}
    </span>
  );
}
