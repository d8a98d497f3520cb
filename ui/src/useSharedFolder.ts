// The shared folder the window watches: the remembered folder, whether its panel is open, and
// the change to offer. While a folder is set, its fingerprint is asked for when the window gains
// focus and every few seconds while it has focus (the call reads only the folder); when it differs
// from the fingerprint of the last import or export, the status says what an import would do and
// the banner offers it. Nothing is imported without the person's click.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, errorMessage } from './api';
import type { SharedFolderInfo } from './bindings/SharedFolderInfo';

/** How often the fingerprint is asked for while the window has focus. */
export const POLL_MS = 4000;

/** A change of the folder's files since the last import or export. */
export interface FolderChange {
  fingerprint: string;
  create: number;
  update: number;
  /** Why the folder cannot be imported as it is (a refused file), instead of counts. */
  error: string | null;
}

export interface SharedFolderWatch {
  /** null until the remembered folder is read. */
  info: SharedFolderInfo | null;
  setInfo: (info: SharedFolderInfo) => void;
  /** The change to offer in the banner, or null. */
  change: FolderChange | null;
  /** Hides the banner until the files change again. */
  dismiss: () => void;
  panelOpen: boolean;
  setPanelOpen: (open: boolean) => void;
}

/** The banner's text for `change`. */
export function changeText(change: FolderChange): string {
  if (change.error !== null) return 'The shared folder changed, and cannot be imported as it is';
  return `The shared folder changed (${change.create} to create, ${change.update} to update)`;
}

export function useSharedFolder(pollMs: number = POLL_MS): SharedFolderWatch {
  const [info, setInfo] = useState<SharedFolderInfo | null>(null);
  const [change, setChange] = useState<FolderChange | null>(null);
  const [panelOpen, setPanelOpen] = useState(false);
  // The fingerprint last looked at (its status asked for), and the one the person dismissed.
  const looked = useRef<string | null>(null);
  const dismissed = useRef<string | null>(null);
  const checking = useRef(false);

  useEffect(() => {
    let live = true;
    api
      .sharedFolder()
      .then((read) => live && setInfo(read))
      .catch(() => live && setInfo({ folder: null, lastFingerprint: null }));
    return () => {
      live = false;
    };
  }, []);

  const last = info?.folder ? info.lastFingerprint : null;

  const check = useCallback(async () => {
    if (last === null || checking.current) return;
    checking.current = true;
    try {
      const fingerprint = await api.sharedFolderFingerprint();
      if (fingerprint === last) {
        looked.current = fingerprint;
        setChange(null);
        return;
      }
      if (fingerprint === looked.current || fingerprint === dismissed.current) return;
      looked.current = fingerprint;
      try {
        const status = await api.sharedFolderStatus();
        setChange(status.upToDate ? null : { fingerprint, create: status.create, update: status.update, error: null });
      } catch (error) {
        setChange({ fingerprint, create: 0, update: 0, error: errorMessage(error) });
      }
    } catch {
      // An unreadable folder is shown when the panel opens; the banner only offers imports.
    } finally {
      checking.current = false;
    }
  }, [last]);

  useEffect(() => {
    looked.current = null;
    setChange(null);
    if (last === null) return;
    void check();
    const onFocus = () => void check();
    window.addEventListener('focus', onFocus);
    const timer = window.setInterval(() => {
      if (document.hasFocus()) void check();
    }, pollMs);
    return () => {
      window.removeEventListener('focus', onFocus);
      window.clearInterval(timer);
    };
  }, [last, check, pollMs]);

  const dismiss = useCallback(() => {
    setChange((current) => {
      if (current) dismissed.current = current.fingerprint;
      return null;
    });
  }, []);

  return { info, setInfo, change, dismiss, panelOpen, setPanelOpen };
}
