// Text shown for values the core sends as numbers: badges, durations, sizes, HTTP status tones.
// Pure functions, so the wording is tested without rendering anything.
import type { AuthType } from '../bindings/AuthType';
import type { TokenStatus } from '../bindings/TokenStatus';

export const AUTH_TYPE_LABELS: Record<AuthType, string> = {
  none: 'None',
  basic: 'Basic',
  oauth2: 'OAuth 2.0',
  apiKey: 'API Key',
  bearer: 'Bearer Token',
};

export type Tone = 'ok' | 'warn' | 'muted';

/** A span of time in words: "less than a minute", "42 min", "3 h", "2 days". */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'less than a minute';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.floor(hours / 24)} days`;
}

/** A measured time: "0.8 ms", "5.2 ms", "143 ms", "2.41 s". */
export function formatMillis(ms: number): string {
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** The OAuth 2.0 badge: what a person needs to know about the token at `now`. */
export function tokenBadge(status: TokenStatus, expiresAt: number | null, now: number): { text: string; tone: Tone } {
  switch (status) {
    case 'authorized':
      if (expiresAt === null) return { text: 'Authorized', tone: 'ok' };
      if (expiresAt <= now) return { text: 'Authorized · renews on next request', tone: 'ok' };
      return { text: `Authorized · expires in ${formatDuration(expiresAt - now)}`, tone: 'ok' };
    case 'needs_reauthorization':
      return { text: 'Needs authorization', tone: 'warn' };
    case 'not_authorized':
      return { text: 'Not authorized', tone: 'muted' };
  }
}

export function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KB`;
  return `${(size / (1024 * 1024)).toFixed(1)} MB`;
}

/** The colour family of an HTTP status: 2xx success, 3xx redirect, 4xx client, 5xx server. */
export function statusTone(status: number): 'success' | 'redirect' | 'client-error' | 'server-error' | 'other' {
  if (status >= 200 && status < 300) return 'success';
  if (status >= 300 && status < 400) return 'redirect';
  if (status >= 400 && status < 500) return 'client-error';
  if (status >= 500 && status < 600) return 'server-error';
  return 'other';
}

export function formatTimestamp(ms: number): string {
  return new Date(ms).toLocaleString();
}
