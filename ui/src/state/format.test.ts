// The words and numbers the UI shows for the core's numbers: token badges, durations, times.
import { describe, expect, test } from 'vitest';
import { formatDuration, formatMillis, tokenBadge } from './format';

describe('format', () => {
  test('measured times keep a decimal only where it matters', () => {
    expect(formatMillis(5.246842)).toBe('5.2 ms');
    expect(formatMillis(142.6)).toBe('143 ms');
    expect(formatMillis(2414)).toBe('2.41 s');
  });

  test('token lifetimes in words', () => {
    expect(formatDuration(30_000)).toBe('less than a minute');
    expect(formatDuration(42 * 60_000)).toBe('42 min');
    expect(formatDuration(3 * 3_600_000)).toBe('3 h');
    expect(formatDuration(72 * 3_600_000)).toBe('3 days');
  });

  test('the badge says whether the datasource is authorized and for how long', () => {
    const now = 1_000_000;
    expect(tokenBadge('authorized', now + 42 * 60_000, now)).toEqual({
      text: 'Authorized · expires in 42 min',
      tone: 'ok',
    });
    expect(tokenBadge('needs_reauthorization', null, now).text).toBe('Needs authorization');
    expect(tokenBadge('not_authorized', null, now).text).toBe('Not authorized');
  });
});
