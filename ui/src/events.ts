// Subscribing to a Tauri event for as long as a component is mounted: the returned function
// (an effect's cleanup) unsubscribes, also when the subscription is still being set up.
import type { UnlistenFn } from '@tauri-apps/api/event';
import { useEffect, useRef } from 'react';

export function listenWhileMounted(start: () => Promise<UnlistenFn>): () => void {
  let unlisten: UnlistenFn | null = null;
  let stopped = false;
  Promise.resolve()
    .then(start)
    .then((stop) => {
      if (stopped) stop();
      else unlisten = stop;
    })
    .catch(() => {
      // Outside the desktop app (a plain browser) there are no events to wait for.
    });
  return () => {
    stopped = true;
    unlisten?.();
  };
}

/** Whether a key event is the platform's Ctrl/Cmd + `key` shortcut. */
export function isShortcut(event: KeyboardEvent, key: string): boolean {
  return (event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === key.toLowerCase();
}

/**
 * While `active`, Ctrl/Cmd + a key of `actions` runs its action (the latest one given, so the
 * actions may close over the current render's state) instead of the browser's default.
 */
export function useShortcuts(active: boolean, actions: Record<string, () => void>): void {
  const latest = useRef(actions);
  latest.current = actions;
  useEffect(() => {
    if (!active) return;
    const onKey = (event: KeyboardEvent) => {
      const key = Object.keys(latest.current).find((k) => isShortcut(event, k));
      if (key === undefined) return;
      event.preventDefault();
      latest.current[key]();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [active]);
}
