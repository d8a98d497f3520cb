// Multipart form parts: each a name with a text value or a file picked in the dialog the Rust
// side opens (the part carries the file's handle), and an optional content type.
import { useContext, useState } from 'react';
import { errorMessage } from '../api';
import { fileLabel, pickFile } from '../dialogs';
import type { PartDraft } from '../state/requestDraft';
import { FieldErrors } from './FieldErrors';
import { FormContext } from './FieldErrorsContext';

export function MultipartRows({ parts, onChange }: { parts: PartDraft[]; onChange: (parts: PartDraft[]) => void }) {
  const { errorsFor } = useContext(FormContext);
  const [pickError, setPickError] = useState<string | null>(null);
  const update = (index: number, patch: Partial<PartDraft>) =>
    onChange(parts.map((part, i) => (i === index ? { ...part, ...patch } : part)));

  async function choose(index: number) {
    try {
      const path = await pickFile('Choose the file for this part');
      if (path !== null) update(index, { file: path });
    } catch (error) {
      setPickError(errorMessage(error));
    }
  }

  return (
    <fieldset className="rows">
      <legend>Parts</legend>
      {parts.length === 0 && <p className="hint">No parts yet.</p>}
      {parts.map((part, index) => {
        const n = index + 1;
        const keyPath = `body.parts[${index}].key`;
        const filePath = `body.parts[${index}].file`;
        const file = fileLabel(part.file);
        return (
          <div className="row" key={index}>
            <div className="row-inputs part">
              <input
                aria-label={`Part ${n} name`}
                placeholder="Name"
                value={part.key}
                onChange={(event) => update(index, { key: event.target.value })}
              />
              <select
                aria-label={`Part ${n} kind`}
                value={part.kind}
                onChange={(event) => update(index, { kind: event.target.value as PartDraft['kind'] })}
              >
                <option value="text">Text</option>
                <option value="file">File</option>
              </select>
              {part.kind === 'text' ? (
                <input
                  aria-label={`Part ${n} value`}
                  placeholder="Value"
                  value={part.value}
                  onChange={(event) => update(index, { value: event.target.value })}
                />
              ) : (
                <span className="file-choice">
                  <button type="button" onClick={() => void choose(index)}>
                    {part.file && !file.again ? 'Change file…' : 'Choose file…'}
                  </button>
                  <span
                    className={`mono file-path${file.again ? ' error-text' : ''}`}
                    aria-label={`Part ${n} file`}
                    title={file.text}
                  >
                    {file.text}
                  </span>
                </span>
              )}
              <input
                aria-label={`Part ${n} content type`}
                placeholder="Content type (optional)"
                value={part.contentType}
                onChange={(event) => update(index, { contentType: event.target.value })}
              />
              <button
                type="button"
                className="icon-button"
                aria-label={`Remove part ${n}`}
                onClick={() => onChange(parts.filter((_, i) => i !== index))}
              >
                ×
              </button>
            </div>
            <FieldErrors path={keyPath} messages={errorsFor(keyPath)} />
            <FieldErrors path={filePath} messages={errorsFor(filePath)} />
          </div>
        );
      })}
      {pickError && <p className="error-text">{pickError}</p>}
      <button
        type="button"
        className="link-button"
        onClick={() => onChange([...parts, { key: '', kind: 'text', value: '', file: '', contentType: '' }])}
      >
        + Add part
      </button>
    </fieldset>
  );
}
