// The calls the first screen needs: the datasource list, the environments (the switcher) and the
// store's notices, side by side.
// main.tsx sends them before React is even evaluated (through ./startupCalls, its first import),
// so the first render can usually show the list already.
import { api } from './api';
import type { DatasourceSummary } from './bindings/DatasourceSummary';
import type { EnvironmentSummary } from './bindings/EnvironmentSummary';

/** A call's outcome once it is in. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

export interface StartupAnswers {
  list: Settled<DatasourceSummary[]>;
  environments: Settled<EnvironmentSummary[]>;
  notices: Settled<string[]>;
}

export interface StartupCalls {
  /** Every answer, once all are in (never rejects). */
  answered: Promise<StartupAnswers>;
  /** Every answer if all are already in, else null. */
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
  const answered = Promise.all([
    settle(api.listDatasources()),
    settle(api.listEnvironments()),
    settle(api.storeNotices()),
  ]).then(([list, environments, notices]) => {
    answers = { list, environments, notices };
    return answers;
  });
  return { answered, current: () => answers };
}
