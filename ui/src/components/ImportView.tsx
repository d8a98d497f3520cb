// The Import dialog: a file chosen in a dialog the Rust side opens (the page holds its handle,
// never a path) or pasted text (a cURL command, a collection, an OpenAPI description), an
// optional format, then Review: the core's plan, shown before anything is stored. Import has the
// core plan the same input again and store it in one transaction, refused when it is not the
// plan reviewed. Planning stores nothing, so Cancel simply stops waiting for it.
import { useEffect, useRef, useState } from 'react';
import { api, errorMessage } from '../api';
import type { AppliedImport } from '../bindings/AppliedImport';
import type { ImportSource } from '../bindings/ImportSource';
import type { ReviewedImport } from '../bindings/ReviewedImport';
import { fieldErrorsOf } from '../state/fieldErrors';
import { ImportPlanView } from './ImportPlanView';

/** The formats of `--format`, and Detect. */
export const IMPORT_FORMATS: { value: string; label: string }[] = [
  { value: '', label: 'Detect' },
  { value: 'curl', label: 'cURL' },
  { value: 'postman', label: 'Postman' },
  { value: 'insomnia', label: 'Insomnia' },
  { value: 'openapi', label: 'OpenAPI' },
  { value: 'latchkey', label: 'Latchkey' },
];

export interface ImportViewProps {
  /** Text to start with (a curl command pasted into the tester for another origin). */
  initialText?: string;
  onImported: (applied: AppliedImport) => void;
  onClose: () => void;
}

type Step =
  | { kind: 'input' }
  | { kind: 'planning' }
  | { kind: 'review'; reviewed: ReviewedImport }
  | { kind: 'applying'; reviewed: ReviewedImport };

export function ImportView({ initialText = '', onImported, onClose }: ImportViewProps) {
  const [mode, setMode] = useState<'paste' | 'file'>('paste');
  const [text, setText] = useState(initialText);
  const [file, setFile] = useState<{ handle: string; path: string } | null>(null);
  const [format, setFormat] = useState('');
  const [step, setStep] = useState<Step>({ kind: 'input' });
  const [error, setError] = useState<unknown>(null);
  // Each Review counts up; an answer for an earlier one (cancelled) is ignored.
  const attempt = useRef(0);
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;
  // While the import is being stored, Escape waits for it like Cancel does.
  const applyingRef = useRef(false);
  applyingRef.current = step.kind === 'applying';

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && !applyingRef.current) onCloseRef.current();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const source: ImportSource | null =
    mode === 'paste'
      ? text.trim() === ''
        ? null
        : { kind: 'text', text }
      : file === null
        ? null
        : { kind: 'file', handle: file.handle };

  async function choose() {
    setError(null);
    try {
      const picked = await api.pickImportFile('Choose a file to import');
      if (picked !== null) {
        setFile(picked);
        setMode('file');
      }
    } catch (caught) {
      setError(caught);
    }
  }

  async function review() {
    if (source === null) return;
    const mine = ++attempt.current;
    setError(null);
    setStep({ kind: 'planning' });
    try {
      const reviewed = await api.planImport(source, format === '' ? null : format);
      if (mine === attempt.current) setStep({ kind: 'review', reviewed });
    } catch (caught) {
      if (mine !== attempt.current) return;
      setError(caught);
      setStep({ kind: 'input' });
    }
  }

  function cancelPlanning() {
    attempt.current += 1;
    setStep({ kind: 'input' });
  }

  async function apply(reviewed: ReviewedImport) {
    if (source === null) return;
    setError(null);
    setStep({ kind: 'applying', reviewed });
    try {
      const applied = await api.applyImport(source, format === '' ? null : format, reviewed.fingerprint);
      onImported(applied);
    } catch (caught) {
      setError(caught);
      setStep({ kind: 'review', reviewed });
    }
  }

  const errors = fieldErrorsOf(error);

  return (
    <div className="dialog-backdrop">
      <div
        className="dialog import-view"
        role="dialog"
        aria-modal="true"
        aria-labelledby="import-title"
        data-testid="import-view"
      >
        <h2 id="import-title">Import</h2>
        {(step.kind === 'input' || step.kind === 'planning') && (
          <div className="import-input">
            <div className="import-modes" role="radiogroup" aria-label="What to import">
              <label>
                <input
                  type="radio"
                  name="import-mode"
                  checked={mode === 'paste'}
                  onChange={() => setMode('paste')}
                  data-testid="import-mode-paste"
                />
                Paste
              </label>
              <label>
                <input
                  type="radio"
                  name="import-mode"
                  checked={mode === 'file'}
                  onChange={() => setMode('file')}
                  data-testid="import-mode-file"
                />
                File
              </label>
              <label className="import-format">
                Format
                <select value={format} onChange={(event) => setFormat(event.target.value)} data-testid="import-format">
                  {IMPORT_FORMATS.map((f) => (
                    <option key={f.value} value={f.value}>
                      {f.label}
                    </option>
                  ))}
                </select>
              </label>
            </div>
            {mode === 'paste' ? (
              <>
                <label htmlFor="import-text" className="visually-hidden">
                  Text to import
                </label>
                <textarea
                  id="import-text"
                  className="mono import-text"
                  data-testid="import-text"
                  spellCheck={false}
                  placeholder="Paste a cURL command, a Postman or Insomnia collection, an OpenAPI description, or a Latchkey datasource file"
                  value={text}
                  onChange={(event) => setText(event.target.value)}
                />
              </>
            ) : (
              <div className="import-file">
                <button type="button" onClick={() => void choose()} data-testid="import-choose-file">
                  Choose file…
                </button>
                <span className="mono muted import-file-path" data-testid="import-file-path">
                  {file?.path ?? 'No file chosen'}
                </span>
              </div>
            )}
            <p className="hint">
              Nothing is stored until you have reviewed the plan and pressed Import. Secrets in the input are sealed and
              never shown.
            </p>
          </div>
        )}
        {step.kind === 'planning' && (
          <p className="import-progress" role="status" data-testid="import-planning">
            <span className="spinner" aria-hidden="true" /> Reading the input… (an OpenID Connect issuer is asked for
            its endpoints, which can take a few seconds)
          </p>
        )}
        {(step.kind === 'review' || step.kind === 'applying') && <ImportPlanView plan={step.reviewed.plan} />}
        {error !== null && (
          <div className="error import-error" role="alert" data-testid="import-error">
            <p>
              {errors.length > 0
                ? step.kind === 'review'
                  ? 'Nothing was imported:'
                  : 'This cannot be imported as it is; nothing was stored:'
                : errorMessage(error)}
            </p>
            {errors.length > 0 && (
              <ul>
                {errors.map((e) => (
                  <li key={`${e.field}-${e.message}`}>
                    <code>{e.field}</code>: {e.message}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
        <div className="dialog-actions">
          {step.kind === 'planning' ? (
            <button type="button" onClick={cancelPlanning} data-testid="import-cancel">
              Cancel
            </button>
          ) : (
            <button type="button" onClick={onClose} data-testid="import-cancel" disabled={step.kind === 'applying'}>
              Cancel
            </button>
          )}
          {step.kind === 'input' || step.kind === 'planning' ? (
            <button
              type="button"
              className="primary"
              data-testid="import-review"
              disabled={source === null || step.kind === 'planning'}
              onClick={() => void review()}
            >
              {step.kind === 'planning' ? 'Reviewing…' : 'Review'}
            </button>
          ) : (
            <>
              <button
                type="button"
                data-testid="import-back"
                disabled={step.kind === 'applying'}
                onClick={() => {
                  setError(null);
                  setStep({ kind: 'input' });
                }}
              >
                Back
              </button>
              <button
                type="button"
                className="primary"
                data-testid="import-apply"
                disabled={
                  step.kind === 'applying' ||
                  step.reviewed.plan.datasources.length + step.reviewed.plan.environments.length === 0
                }
                onClick={() => void apply(step.reviewed)}
              >
                {step.kind === 'applying' ? 'Importing…' : 'Import'}
              </button>
            </>
          )}
        </div>
      </div>
    </div>
  );
}
