// The OAuth 2.0 token badge: "Authorized · expires in 42 min", "Refresh failing", "Needs
// authorization", "Not authorized". A token whose last refresh failed still works until it
// expires, but the person should know before it does.
import type { TokenStatus } from '../bindings/TokenStatus';
import { tokenBadge } from '../state/format';

export interface StatusBadgeProps {
  status: TokenStatus;
  expiresAt: number | null;
  now: number;
  /** The last background refresh failed (the list's `tokenRefreshFailing`). */
  refreshFailing?: boolean | null;
}

export function StatusBadge({ status, expiresAt, now, refreshFailing }: StatusBadgeProps) {
  const failing = status === 'authorized' && refreshFailing === true;
  const { text, tone } = failing ? { text: 'Refresh failing', tone: 'warn' } : tokenBadge(status, expiresAt, now);
  return (
    <span className={`badge badge-${tone}`} data-testid="badge" data-status={failing ? 'refresh_failing' : status}>
      {text}
    </span>
  );
}
