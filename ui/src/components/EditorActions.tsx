// The editor's sticky footer: Save, Save and Authorize or Save and Test (by grant), Disconnect
// while connected, and Delete with its inline confirmation.
import { useState } from 'react';
import type { GrantType } from '../bindings/GrantType';
import type { FlowAction } from '../state/authFlow';

export interface EditorActionsProps {
  /** The saved datasource's id, `null` while it is new (no Delete). */
  id: string | null;
  /** The grant of an OAuth 2.0 datasource, `null` for the other authentication types. */
  grant: GrantType | null;
  connected: boolean;
  busy: boolean;
  saving: boolean;
  deleting: boolean;
  running: FlowAction | null;
  onAuthorize: () => void;
  onTest: () => void;
  onDisconnect: () => void;
  /** Deletes; resolves `false` when the core refused. */
  onDelete: () => Promise<boolean>;
}

export function EditorActions({
  id,
  grant,
  connected,
  busy,
  saving,
  deleting,
  running,
  onAuthorize,
  onTest,
  onDisconnect,
  onDelete,
}: EditorActionsProps) {
  const [confirmDelete, setConfirmDelete] = useState(false);
  return (
    <footer className="actions">
      <button type="submit" className="primary" data-testid="save" disabled={busy}>
        {saving && running === null ? 'Saving…' : 'Save'}
      </button>
      {(grant === 'authorization_code' || grant === 'device_code') && (
        <button type="button" data-testid="save-and-authorize" disabled={busy} onClick={onAuthorize}>
          {running === 'authorize' ? 'Authorizing…' : 'Save and Authorize'}
        </button>
      )}
      {grant !== null && grant !== 'authorization_code' && grant !== 'device_code' && (
        <button type="button" data-testid="save-and-test" disabled={busy} onClick={onTest}>
          {running === 'test' ? 'Testing…' : 'Save and Test'}
        </button>
      )}
      {grant !== null && connected && (
        <button type="button" data-testid="disconnect" disabled={busy} onClick={onDisconnect}>
          {running === 'disconnect' ? 'Disconnecting…' : 'Disconnect'}
        </button>
      )}
      <span className="spacer" />
      {id !== null && !confirmDelete && (
        <button type="button" className="danger-link" disabled={busy} onClick={() => setConfirmDelete(true)}>
          Delete…
        </button>
      )}
      {id !== null && confirmDelete && (
        <span className="confirm-inline" role="group" aria-label="Confirm deletion">
          Delete this datasource with its saved requests and history?
          <button
            type="button"
            className="danger"
            disabled={deleting}
            onClick={() =>
              void onDelete().then((deleted) => {
                if (!deleted) setConfirmDelete(false);
              })
            }
          >
            {deleting ? 'Deleting…' : 'Delete'}
          </button>
          <button type="button" onClick={() => setConfirmDelete(false)}>
            Cancel
          </button>
        </span>
      )}
    </footer>
  );
}
