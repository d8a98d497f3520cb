// The calls the first screen needs: the datasource list and the store's notices, side by side.
// main.tsx sends them before React is even evaluated (through ./startupCalls, its first import),
// so the first render can usually show the list already.
import { api } from './api';
import type { DatasourceSummary } from './bindings/DatasourceSummary';

/** A call's outcome once it is in. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

export interface StartupAnswers {
  list: Settled<DatasourceSummary[]>;
  notices: Settled<string[]>;
}

export interface StartupCalls {
  /** Both answers, once both are in (never rejects). */
  answered: Promise<StartupAnswers>;
  /** Both answers if they are already in, else null. */
  current: () => StartupAnswers | null;
}

function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value): Settled<T> => ({ ok: true, value }),
    (error: unknown): Settled<T> => ({ ok: false, error }),
  );
}

/** Sends the start-up calls now, side by side. */
export function requestStartup(): StartupCalls {
  let answers: StartupAnswers | null = null;
  const answered = Promise.all([settle(api.listDatasources()), settle(api.storeNotices())]).then(([list, notices]) => {
    answers = { list, notices };
    return answers;
  });
  return { answered, current: () => answers };
}
