// Editable key/value rows (headers, query parameters, form fields) with add and remove, each
// row's errors under it. Inherited rows are listed above, read-only. In the datasource editor
// the list carries the active environment's override marker (a list is overridden whole).
import { useContext, useEffect, useRef } from 'react';
import type { KeyValue } from '../bindings/KeyValue';
import { FieldErrors } from './FieldErrors';
import { FormContext } from './FieldErrorsContext';
import { OverrideMarker } from './OverrideMarker';

export interface KeyValueRowsProps {
  /** Prefix of the inputs' ids. */
  id: string;
  legend: string;
  /** Path of the list in the core's field errors (`headers`, `auth.customAuthParams`). */
  path: string;
  rows: KeyValue[];
  onChange: (rows: KeyValue[]) => void;
  /** What one row is called in button labels: "header", "parameter". */
  noun: string;
  keyLabel?: string;
  valueLabel?: string;
  keyPlaceholder?: string;
  valuePlaceholder?: string;
  inherited?: { rows: KeyValue[]; from: string };
  empty?: string;
}

export function KeyValueRows(props: KeyValueRowsProps) {
  const { id, legend, path, rows, onChange, noun, keyLabel = 'Key', valueLabel = 'Value', inherited } = props;
  const { errorsFor } = useContext(FormContext);
  const focusRow = useRef<number | null>(null);
  const listRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (focusRow.current === null) return;
    const input = listRef.current?.ownerDocument.getElementById(`${id}-${focusRow.current}-key`);
    focusRow.current = null;
    input?.focus();
  }, [rows.length, id]);

  const update = (index: number, patch: Partial<KeyValue>) =>
    onChange(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));

  return (
    <fieldset className="rows">
      <legend>{legend}</legend>
      <OverrideMarker path={path} label={legend} />
      {inherited && inherited.rows.length > 0 && (
        <div className="inherited" aria-label={`${legend} inherited from ${inherited.from}`}>
          <p className="hint">Inherited from {inherited.from}</p>
          <ul>
            {inherited.rows.map((row, index) => (
              <li key={`${row.key}-${index}`}>
                <code>{row.key}</code>
                <span className="muted">{row.value === '' ? '(empty)' : row.value}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
      <div ref={listRef} className="row-list">
        {rows.length === 0 && <p className="hint">{props.empty ?? `No ${noun}s.`}</p>}
        {rows.map((row, index) => {
          const keyPath = `${path}[${index}].key`;
          const valuePath = `${path}[${index}].value`;
          const errors = [
            ...errorsFor(keyPath).map((m) => [keyPath, m]),
            ...errorsFor(valuePath).map((m) => [valuePath, m]),
          ];
          return (
            <div className="row" key={index}>
              <div className="row-inputs">
                <input
                  id={`${id}-${index}-key`}
                  aria-label={`${legend} ${index + 1} ${keyLabel.toLowerCase()}`}
                  placeholder={props.keyPlaceholder ?? keyLabel}
                  value={row.key}
                  spellCheck={false}
                  autoComplete="off"
                  aria-invalid={errorsFor(keyPath).length > 0 ? true : undefined}
                  onChange={(event) => update(index, { key: event.target.value })}
                />
                <input
                  id={`${id}-${index}-value`}
                  aria-label={`${legend} ${index + 1} ${valueLabel.toLowerCase()}`}
                  placeholder={props.valuePlaceholder ?? valueLabel}
                  value={row.value}
                  spellCheck={false}
                  autoComplete="off"
                  aria-invalid={errorsFor(valuePath).length > 0 ? true : undefined}
                  onChange={(event) => update(index, { value: event.target.value })}
                />
                <button
                  type="button"
                  className="icon-button"
                  aria-label={`Remove ${noun} ${index + 1}`}
                  title={`Remove ${noun}`}
                  onClick={() => onChange(rows.filter((_, i) => i !== index))}
                >
                  ×
                </button>
              </div>
              {errors.map(([field, message]) => (
                <FieldErrors key={`${field}-${message}`} path={field} messages={[message]} />
              ))}
            </div>
          );
        })}
      </div>
      <button
        type="button"
        className="link-button"
        onClick={() => {
          focusRow.current = rows.length;
          onChange([...rows, { key: '', value: '' }]);
        }}
      >
        + Add {noun}
      </button>
    </fieldset>
  );
}
