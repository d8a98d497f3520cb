// The shared folder: a folder the team commits to git (`latchkey export --dir`), opened from the
// sidebar's footer. The panel shows the folder, Choose… and Forget, Export to folder, and Import
// from folder after a review of what the import would do: created, updated, unchanged, what the
// folder no longer has (deleted only with the box ticked), the secrets still to enter, or the
// refused files with the file and field of each problem. The banner offers the review when the
// folder's files changed since the last import or export (useSharedFolder).
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, errorMessage, isErrorPayload } from '../api';
import type { DirPlan } from '../bindings/DirPlan';
import type { DirStatus } from '../bindings/DirStatus';
import type { ExportSummary } from '../bindings/ExportSummary';
import type { FieldError } from '../bindings/FieldError';
import type { SharedFolderInfo } from '../bindings/SharedFolderInfo';
import { changeText, type FolderChange } from '../useSharedFolder';
import { ConfirmDialog } from './ConfirmDialog';

/** The sidebar footer's entry. */
export function SharedFolderButton({ info, onOpen }: { info: SharedFolderInfo | null; onOpen: () => void }) {
  return (
    <button
      type="button"
      className="shared-folder-entry"
      data-testid="shared-folder-open"
      title={info?.folder ?? 'Share datasources through a folder committed to git'}
      onClick={onOpen}
    >
      Shared folder…
    </button>
  );
}

/** The non-blocking offer to review a change of the folder. */
export function SharedFolderBanner({
  change,
  onReview,
  onDismiss,
}: {
  change: FolderChange | null;
  onReview: () => void;
  onDismiss: () => void;
}) {
  if (change === null) return null;
  return (
    <div className="notice notice-info shared-folder-banner" role="status" data-testid="shared-folder-banner">
      <p>
        {changeText(change)} —{' '}
        <button type="button" className="link-button" data-testid="shared-folder-review" onClick={onReview}>
          Review
        </button>
      </p>
      <button type="button" aria-label="Dismiss notice" onClick={onDismiss}>
        ×
      </button>
    </div>
  );
}

/** The problems of a refused folder: one line per file and field. */
function FolderErrors({ error }: { error: unknown }) {
  const fields: FieldError[] = isErrorPayload(error) ? error.fields : [];
  return (
    <div className="error shared-folder-errors" role="alert" data-testid="shared-folder-error">
      <p>{errorMessage(error)}</p>
      {fields.length > 0 && (
        <ul>
          {fields.map((field, index) => (
            <li key={index}>
              <code>{field.field}</code>: {field.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

interface Row {
  key: string;
  label: string;
  file: string;
  detail: string | null;
}

function queryDetail(created: string[], updated: string[]): string | null {
  const parts = [];
  if (created.length > 0) parts.push(`queries added: ${created.join(', ')}`);
  if (updated.length > 0) parts.push(`queries changed: ${updated.join(', ')}`);
  return parts.length > 0 ? parts.join('; ') : null;
}

/** Each datasource and environment of the plan with `action`. */
function rowsWith(plan: DirPlan, action: 'create' | 'update' | 'unchanged'): Row[] {
  const rows: Row[] = [];
  for (const d of plan.datasources.filter((d) => d.action === action)) {
    const renamed = d.previousName ? `renamed from ${d.previousName}` : null;
    const detail = [renamed, queryDetail(d.queries.created, d.queries.updated)].filter(Boolean).join('; ');
    rows.push({ key: d.id, label: d.name, file: d.file, detail: detail || null });
  }
  for (const e of plan.environments.filter((e) => e.action === action)) {
    rows.push({
      key: e.id,
      label: `${e.name} (environment)`,
      file: e.file,
      detail: e.previousName ? `renamed from ${e.previousName}` : null,
    });
  }
  return rows;
}

function Section({ title, rows, testId }: { title: string; rows: Row[]; testId: string }) {
  if (rows.length === 0) return null;
  return (
    <section className="review-section" data-testid={testId}>
      <h3>
        {title} <span className="muted">({rows.length})</span>
      </h3>
      <ul>
        {rows.map((row) => (
          <li key={row.key}>
            <strong>{row.label}</strong> <code className="muted">{row.file}</code>
            {row.detail && <span className="detail"> — {row.detail}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** What the plan leaves to enter here, by datasource or environment. */
function needsSetup(plan: DirPlan): { key: string; name: string; fields: string[] }[] {
  return [
    ...plan.datasources
      .filter((d) => d.needsSetup.length > 0)
      .map((d) => ({ key: d.id, name: d.name, fields: d.needsSetup.map((f) => f.field) })),
    ...plan.environments
      .filter((e) => e.needsSetup.length > 0)
      .map((e) => ({ key: e.id, name: `${e.name} (environment)`, fields: e.needsSetup })),
  ];
}

export interface FolderReviewProps {
  status: DirStatus;
  prune: boolean;
  onPrune: (prune: boolean) => void;
  disabled?: boolean;
}

/** What importing the folder would do, section by section. */
export function FolderReview({ status, prune, onPrune, disabled = false }: FolderReviewProps) {
  const { plan } = status;
  const setup = needsSetup(plan);
  return (
    <div className="folder-review" data-testid="folder-review">
      <p data-testid="folder-review-summary">
        {status.upToDate
          ? 'This vault has everything the folder has.'
          : `An import creates ${status.create} and updates ${status.update}.`}{' '}
        {status.unchanged > 0 && <span className="muted">{status.unchanged} unchanged.</span>}
      </p>
      <Section title="Created" rows={rowsWith(plan, 'create')} testId="review-created" />
      <Section title="Updated" rows={rowsWith(plan, 'update')} testId="review-updated" />
      <Section title="Unchanged" rows={rowsWith(plan, 'unchanged')} testId="review-unchanged" />
      {plan.absent.length > 0 && (
        <section className="review-section" data-testid="review-absent">
          <h3>
            {prune ? 'Deleted' : 'Not in the folder, kept'} <span className="muted">({plan.absent.length})</span>
          </h3>
          <ul>
            {plan.absent.map((item) => (
              <li key={`${item.kind}-${item.id}`} className={prune ? 'deleted' : undefined}>
                <strong>{item.name}</strong>{' '}
                <span className="muted">{item.kind === 'query' ? `query of ${item.datasource ?? ''}` : item.kind}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
      <label className="checkbox-row prune">
        <input
          type="checkbox"
          data-testid="folder-prune"
          checked={prune}
          disabled={disabled || plan.absent.length === 0}
          onChange={(event) => onPrune(event.target.checked)}
        />
        Delete what the folder no longer has
      </label>
      {setup.length > 0 && (
        <section className="review-section" data-testid="review-needs-setup">
          <h3>Needs setup</h3>
          <p className="muted">The folder names these secrets but never holds them: enter them in each editor.</p>
          <ul>
            {setup.map((item) => (
              <li key={item.key}>
                <strong>{item.name}</strong>: {item.fields.join(', ')}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

type Status =
  { kind: 'idle' } | { kind: 'loading' } | { kind: 'loaded'; status: DirStatus } | { kind: 'failed'; error: unknown };

type Result = { kind: 'imported'; plan: DirPlan } | { kind: 'exported'; summary: ExportSummary };

function ImportResult({ plan }: { plan: DirPlan }) {
  const created = plan.datasources.filter((d) => d.action === 'create').length;
  const updated = plan.datasources.filter((d) => d.action === 'update').length;
  const setup = needsSetup(plan);
  const dropped = plan.datasources.filter((d) => d.tokensDropped !== null);
  return (
    <div className="notice notice-info" role="status" data-testid="shared-folder-result">
      <div>
        <p>
          Imported: {created} datasource{created === 1 ? '' : 's'} created, {updated} updated
          {plan.prune && plan.absent.length > 0 ? `, ${plan.absent.length} deleted` : ''}.
        </p>
        {setup.length > 0 && (
          <p className="detail">
            Needs setup: {setup.map((item) => `${item.name} (${item.fields.join(', ')})`).join('; ')}.
          </p>
        )}
        {dropped.map((d) => (
          <p className="detail" key={d.id}>
            {d.name}: {d.tokensDropped}
          </p>
        ))}
      </div>
    </div>
  );
}

function ExportResult({ summary }: { summary: ExportSummary }) {
  return (
    <div className="notice notice-info" role="status" data-testid="shared-folder-result">
      <p>
        Exported: {summary.written.length} file{summary.written.length === 1 ? '' : 's'} written,{' '}
        {summary.removed.length} removed, {summary.unchanged} already up to date. Commit the folder to share it.
      </p>
    </div>
  );
}

export interface SharedFolderPanelProps {
  info: SharedFolderInfo;
  onInfo: (info: SharedFolderInfo) => void;
  /** After an import: the list is read again. */
  onImported: (plan: DirPlan) => void;
  onClose: () => void;
}

/** The panel itself, as a dialog. */
export function SharedFolderPanel({ info, onInfo, onImported, onClose }: SharedFolderPanelProps) {
  const [status, setStatus] = useState<Status>({ kind: info.folder ? 'loading' : 'idle' });
  const [prune, setPrune] = useState(false);
  const [busy, setBusy] = useState<'import' | 'export' | 'choose' | null>(null);
  const [result, setResult] = useState<Result | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [confirmExport, setConfirmExport] = useState(false);
  const closeRef = useRef<HTMLButtonElement>(null);
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;
  // Escape closes the confirmation first, not the panel under it.
  const confirmingRef = useRef(false);
  confirmingRef.current = confirmExport;

  const load = useCallback(async () => {
    setStatus({ kind: 'loading' });
    try {
      setStatus({ kind: 'loaded', status: await api.sharedFolderStatus() });
    } catch (error) {
      setStatus({ kind: 'failed', error });
    }
  }, []);

  useEffect(() => {
    if (info.folder) void load();
  }, [info.folder, load]);

  useEffect(() => {
    closeRef.current?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && !confirmingRef.current) onCloseRef.current();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  async function run(kind: 'import' | 'export' | 'choose', action: () => Promise<void>) {
    setBusy(kind);
    setActionError(null);
    try {
      await action();
    } catch (error) {
      setActionError(error);
    } finally {
      setBusy(null);
    }
  }

  const choose = () =>
    run('choose', async () => {
      const chosen = await api.chooseSharedFolder('Choose the shared folder');
      if (chosen) {
        setResult(null);
        setPrune(false);
        onInfo(chosen);
      }
    });

  const forget = () =>
    run('choose', async () => {
      onInfo(await api.forgetSharedFolder());
      setStatus({ kind: 'idle' });
      setResult(null);
    });

  const doImport = () =>
    run('import', async () => {
      const plan = await api.importSharedFolder(prune);
      setResult({ kind: 'imported', plan });
      setPrune(false);
      onInfo({ ...info, lastFingerprint: plan.fingerprint });
      onImported(plan);
      await load();
    });

  const doExport = () =>
    run('export', async () => {
      const summary = await api.exportSharedFolder();
      setResult({ kind: 'exported', summary });
      onInfo({ ...info, lastFingerprint: summary.fingerprint });
      await load();
    });

  const loaded = status.kind === 'loaded' ? status.status : null;
  // An export replaces the folder's files: say so first when the folder has what this vault lacks.
  const exportOverwrites = loaded !== null && !loaded.upToDate;
  const canImport = loaded !== null && (!loaded.upToDate || (prune && loaded.absent > 0));

  return (
    <div className="dialog-backdrop">
      <div
        className="dialog shared-folder-panel"
        role="dialog"
        aria-modal="true"
        aria-labelledby="shared-folder-title"
        data-testid="shared-folder-panel"
        aria-busy={busy !== null || status.kind === 'loading'}
      >
        <h2 id="shared-folder-title">Shared folder</h2>
        <p className="muted">
          A folder your team commits to git: a file per datasource and environment, secrets by name only (each person
          enters their own).
        </p>
        <div className="shared-folder-path">
          {info.folder ? (
            <code data-testid="shared-folder-path" title={info.folder}>
              {info.folder}
            </code>
          ) : (
            <span className="muted" data-testid="shared-folder-path">
              No folder chosen
            </span>
          )}
          <button
            type="button"
            data-testid="shared-folder-choose"
            disabled={busy !== null}
            onClick={() => void choose()}
          >
            Choose…
          </button>
          {info.folder && (
            <button
              type="button"
              data-testid="shared-folder-forget"
              disabled={busy !== null}
              onClick={() => void forget()}
            >
              Forget
            </button>
          )}
        </div>
        <div className="shared-folder-body">
          {status.kind === 'loading' && <p className="muted">Reading the folder…</p>}
          {status.kind === 'failed' && <FolderErrors error={status.error} />}
          {loaded && <FolderReview status={loaded} prune={prune} onPrune={setPrune} disabled={busy !== null} />}
          {busy === 'import' && (
            <p className="muted" role="status">
              Importing…
            </p>
          )}
          {busy === 'export' && (
            <p className="muted" role="status">
              Exporting…
            </p>
          )}
          {actionError !== null && <FolderErrors error={actionError} />}
          {result?.kind === 'imported' && <ImportResult plan={result.plan} />}
          {result?.kind === 'exported' && <ExportResult summary={result.summary} />}
        </div>
        <div className="dialog-actions">
          <button type="button" ref={closeRef} onClick={onClose}>
            Close
          </button>
          <button
            type="button"
            data-testid="shared-folder-export"
            disabled={!info.folder || busy !== null || status.kind === 'loading'}
            onClick={() => (exportOverwrites ? setConfirmExport(true) : void doExport())}
          >
            Export to folder
          </button>
          <button
            type="button"
            className="primary"
            data-testid="shared-folder-import"
            disabled={!canImport || busy !== null}
            onClick={() => void doImport()}
          >
            Import from folder
          </button>
        </div>
      </div>
      {confirmExport && loaded && (
        <ConfirmDialog
          title="Replace the folder's changes?"
          message={`The folder has changes this vault does not have (${loaded.create} to create, ${loaded.update} to update). Exporting writes this vault over them. Export anyway?`}
          confirmLabel="Export anyway"
          onCancel={() => setConfirmExport(false)}
          onConfirm={() => {
            setConfirmExport(false);
            void doExport();
          }}
        />
      )}
    </div>
  );
}
