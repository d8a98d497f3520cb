// Typing `{{` in any text field inside offers the active environment's variables: a list under
// the field, narrowed as the name is typed; a click, Enter or Tab puts `{{name}}` in, Escape or
// leaving the field closes it. It wraps the fields rather than changing each input, so the path,
// the header and parameter rows and the body editors all get it. Password fields, and fields
// inside `data-no-variables`, are skipped.
import { useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { Variable } from '../bindings/Variable';
import { typedVariablePrefix } from '../state/environment';

type TextField = HTMLInputElement | HTMLTextAreaElement;

interface Open {
  field: TextField;
  prefix: string;
  matches: Variable[];
  index: number;
  top: number;
  left: number;
}

function textField(target: EventTarget | null): TextField | null {
  if (!(target instanceof HTMLTextAreaElement || target instanceof HTMLInputElement)) return null;
  if (target instanceof HTMLInputElement && !['text', 'search', 'url'].includes(target.type)) return null;
  return target.closest('[data-no-variables]') ? null : target;
}

/** Sets a React-controlled field's value as typing would (React hears the `input` event). */
function typeInto(field: TextField, value: string, caret: number) {
  const proto = field instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
  Object.getOwnPropertyDescriptor(proto, 'value')?.set?.call(field, value);
  field.dispatchEvent(new Event('input', { bubbles: true }));
  field.setSelectionRange(caret, caret);
}

export interface VariableSuggestionsProps {
  variables: Variable[];
  /** The environment's name, for the list's label. */
  environment: string | null;
  children: ReactNode;
}

export function VariableSuggestions({ variables, environment, children }: VariableSuggestionsProps) {
  const root = useRef<HTMLDivElement>(null);
  const [open, setOpen] = useState<Open | null>(null);

  function inspect(target: EventTarget | null) {
    const field = textField(target);
    const box = root.current;
    if (!field || !box) return setOpen(null);
    const caret = field.selectionStart ?? field.value.length;
    const prefix = typedVariablePrefix(field.value.slice(0, caret));
    if (prefix === null) return setOpen(null);
    const wanted = prefix.toLowerCase();
    const matches = variables.filter((v) => v.key.toLowerCase().startsWith(wanted));
    const at = field.getBoundingClientRect();
    const from = box.getBoundingClientRect();
    setOpen({
      field,
      prefix,
      matches,
      index: 0,
      top: at.bottom - from.top + 2,
      left: Math.max(0, at.left - from.left),
    });
  }

  function pick(variable: Variable) {
    if (!open) return;
    const { field } = open;
    const caret = field.selectionStart ?? field.value.length;
    const before = field.value.slice(0, caret).replace(/\{\{\s*[A-Za-z0-9_.-]*$/, '');
    const after = field.value.slice(caret).replace(/^\s*\}\}/, '');
    const inserted = `{{${variable.key}}}`;
    setOpen(null);
    typeInto(field, before + inserted + after, before.length + inserted.length);
    field.focus();
  }

  function onKeyDown(event: KeyboardEvent) {
    if (!open || event.target !== open.field) return;
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      setOpen(null);
      return;
    }
    if (open.matches.length === 0) return;
    const move = event.key === 'ArrowDown' ? 1 : event.key === 'ArrowUp' ? -1 : 0;
    if (move !== 0) {
      event.preventDefault();
      const count = open.matches.length;
      setOpen({ ...open, index: (open.index + move + count) % count });
    } else if (event.key === 'Enter' || event.key === 'Tab') {
      event.preventDefault();
      event.stopPropagation();
      pick(open.matches[open.index]);
    }
  }

  return (
    <div
      className="variable-scope"
      ref={root}
      onInput={(event) => inspect(event.target)}
      onKeyDownCapture={onKeyDown}
      onKeyUp={(event) => {
        if (event.key === 'ArrowLeft' || event.key === 'ArrowRight') inspect(event.target);
      }}
      onBlur={(event) => {
        if (open && event.target === open.field) setOpen(null);
      }}
    >
      {children}
      {open && (
        <div
          className="variable-suggestions"
          role="listbox"
          aria-label={`Variables of ${environment ?? 'the environment'}`}
          data-testid="variable-suggestions"
          style={{ top: open.top, left: open.left }}
        >
          {open.matches.length === 0 ? (
            <p className="muted">
              {variables.length === 0
                ? `${environment ?? 'This environment'} has no variables: add them with Edit variables.`
                : `No variable of ${environment ?? 'this environment'} starts with “${open.prefix}”.`}
            </p>
          ) : (
            open.matches.map((variable, index) => (
              <div
                key={variable.key}
                role="option"
                aria-selected={index === open.index}
                className="variable-suggestion"
                data-testid="variable-suggestion"
                data-key={variable.key}
                // Before the field's blur, so the click lands.
                onMouseDown={(event) => {
                  event.preventDefault();
                  pick(variable);
                }}
              >
                <span className="mono">{`{{${variable.key}}}`}</span>
                <span className="muted variable-suggestion-value">
                  {variable.secret ? 'secret' : typeof variable.value === 'string' ? variable.value : ''}
                </span>
              </div>
            ))
          )}
        </div>
      )}
    </div>
  );
}
