// One command of a screen and its state: whether it is running and how it last failed. Replaces
// the busy flag, error state and try/catch/finally each button wrote by hand.
import { useCallback, useRef, useState } from 'react';

export type CommandResult<T> = { ok: true; value: T } | { ok: false; error: unknown };

export interface Command<A extends unknown[], T> {
  /** Runs the command (also while another run is going; check `busy` first where that matters). */
  run: (...args: A) => Promise<CommandResult<T>>;
  busy: boolean;
  /** What the last run threw, until the next run starts or `setError` replaces it. */
  error: unknown;
  /** Shows a problem found before calling (a missing name) as the command's error; `null` clears. */
  setError: (error: unknown) => void;
}

/** `command` with its busy and error state; the latest `command` passed is the one run. */
export function useCommand<A extends unknown[], T>(command: (...args: A) => Promise<T>): Command<A, T> {
  const latest = useRef(command);
  latest.current = command;
  const running = useRef(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const run = useCallback(async (...args: A): Promise<CommandResult<T>> => {
    running.current += 1;
    setBusy(true);
    setError(null);
    try {
      return { ok: true, value: await latest.current(...args) };
    } catch (caught) {
      setError(caught);
      return { ok: false, error: caught };
    } finally {
      running.current -= 1;
      if (running.current === 0) setBusy(false);
    }
  }, []);

  return { run, busy, error, setError };
}
