// Save and Authorize / Save and Test / Disconnect as a hook: saves first when there is
// something to save, runs the call, follows the "authorization started" event, and keeps the
// outcome for `AuthFlowStatus`. The state machine itself is in `state/authFlow.ts`.
import { useEffect, useState } from 'react';
import { api } from '../api';
import type { Datasource } from '../bindings/Datasource';
import type { TokenState } from '../bindings/TokenState';
import { listenWhileMounted } from '../events';
import type { AuthFlow, FlowAction } from '../state/authFlow';

export interface AuthFlowOptions {
  /** The saved datasource's id, `null` while it is new. */
  id: string | null;
  dirty: boolean;
  /** Whether something else (a save, a delete) is in progress. */
  blocked: boolean;
  save: () => Promise<Datasource | null>;
  /** The token state may have changed. */
  onChanged: () => void;
}

export function useAuthFlow({ id, dirty, blocked, save, onChanged }: AuthFlowOptions) {
  const [flow, setFlow] = useState<AuthFlow>({ kind: 'idle' });

  useEffect(
    () =>
      listenWhileMounted(() =>
        api.onAuthorizationStarted((started) =>
          setFlow((current) =>
            current.kind === 'running' && current.action === 'authorize' ? { ...current, started } : current,
          ),
        ),
      ),
    [],
  );
  useEffect(
    () =>
      listenWhileMounted(() =>
        api.onDeviceCodeStarted((device) =>
          setFlow((current) =>
            current.kind === 'running' && current.action === 'authorize' ? { ...current, device } : current,
          ),
        ),
      ),
    [],
  );

  const running = flow.kind === 'running' ? flow.action : null;

  async function run(action: FlowAction, call: (datasourceId: string) => Promise<TokenState>) {
    if (blocked || running !== null) return;
    let datasourceId = id;
    if (action !== 'disconnect' && (dirty || datasourceId === null)) {
      const saved = await save();
      if (!saved) return;
      datasourceId = saved.id;
    }
    if (datasourceId === null) return;
    setFlow({ kind: 'running', action, started: null });
    try {
      const token = await call(datasourceId);
      setFlow({ kind: 'succeeded', action, token });
    } catch (error) {
      // A failed fetch leaves the stored token as it was (the core writes only new tokens):
      // say so when it is still good, so a failed test does not read as a lost token.
      const kept = action === 'test' ? await api.tokenState(datasourceId).catch(() => null) : null;
      setFlow({ kind: 'failed', action, error, kept: kept?.status === 'authorized' ? kept : null });
    } finally {
      onChanged();
    }
  }

  return {
    flow,
    running,
    run,
    cancel: () => void api.cancelAuthorization().catch(() => undefined),
    openDevicePage: () => void api.openDevicePage().catch(() => undefined),
  };
}
