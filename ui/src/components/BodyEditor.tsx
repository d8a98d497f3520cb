// The request body: none, JSON (checked as you type, the error with its line and column; an
// empty body is only a hint until something was typed), raw text with its content type,
// URL-encoded form rows, multipart parts, or a binary file.
import { useState } from 'react';
import { errorMessage } from '../api';
import { fileLabel, pickFile } from '../dialogs';
import { BODY_MODES, jsonBodyError, type RequestDraft } from '../state/requestDraft';
import { FieldErrors } from './FieldErrors';
import { useFieldErrors } from './FieldErrorsContext';
import { KeyValueRows } from './KeyValueRows';
import { MultipartRows } from './MultipartRows';
import { SelectField } from './SelectField';
import { TextField } from './TextField';

export function BodyEditor({
  draft,
  onChange,
}: {
  draft: RequestDraft;
  onChange: (patch: Partial<RequestDraft>) => void;
}) {
  const [pickError, setPickError] = useState<string | null>(null);
  // Whether the JSON body was typed in: an empty one is an error only from then on.
  const [jsonTyped, setJsonTyped] = useState(false);
  const jsonProblem = draft.bodyMode === 'json' ? jsonBodyError(draft.jsonText) : null;
  const jsonError = jsonProblem !== null && (jsonTyped || draft.jsonText !== '') ? jsonProblem : null;
  const coreJsonErrors = useFieldErrors('body.text');
  const pathErrors = useFieldErrors('body.path');
  const binaryFile = fileLabel(draft.binaryPath);

  async function chooseBinary() {
    setPickError(null);
    try {
      const path = await pickFile('Choose the file to send');
      if (path !== null) onChange({ binaryPath: path });
    } catch (error) {
      setPickError(errorMessage(error));
    }
  }

  return (
    <section className="section body-editor" aria-labelledby="body-title">
      <h3 id="body-title" className="visually-hidden">
        Body
      </h3>
      <SelectField
        id="rq-bodyMode"
        label="Body"
        testId="body-mode"
        value={draft.bodyMode}
        options={BODY_MODES}
        onChange={(bodyMode) => onChange({ bodyMode })}
      />
      {draft.bodyMode === 'json' && (
        <div className={`field${jsonError ? ' invalid' : ''}`}>
          <label htmlFor="rq-json">JSON body</label>
          <textarea
            id="rq-json"
            className="code"
            rows={10}
            spellCheck={false}
            data-testid="body-json"
            value={draft.jsonText}
            placeholder={'{\n  "name": "value"\n}'}
            aria-invalid={jsonError ? true : undefined}
            aria-describedby={jsonError ? 'rq-json-error' : undefined}
            onChange={(event) => {
              setJsonTyped(true);
              onChange({ jsonText: event.target.value });
            }}
          />
          {jsonError && (
            <p id="rq-json-error" className="field-error" data-testid="json-error" role="alert">
              {jsonError}
            </p>
          )}
          {jsonProblem !== null && jsonError === null && (
            <p className="hint" data-testid="json-hint">
              Enter a JSON value to send, or choose None.
            </p>
          )}
          {jsonProblem === null && (
            <button
              type="button"
              className="link-button"
              onClick={() => onChange({ jsonText: JSON.stringify(JSON.parse(draft.jsonText), null, 2) })}
            >
              Format JSON
            </button>
          )}
          <FieldErrors path="body.text" messages={coreJsonErrors} />
        </div>
      )}
      {draft.bodyMode === 'raw' && (
        <>
          <div className="field">
            <label htmlFor="rq-raw">Raw body</label>
            <textarea
              id="rq-raw"
              className="code"
              rows={10}
              spellCheck={false}
              data-testid="body-raw"
              value={draft.rawText}
              onChange={(event) => onChange({ rawText: event.target.value })}
            />
          </div>
          <TextField
            id="rq-raw-contentType"
            label="Content type"
            path="body.contentType"
            value={draft.rawContentType}
            placeholder="text/plain"
            onChange={(rawContentType) => onChange({ rawContentType })}
          />
        </>
      )}
      {draft.bodyMode === 'formUrlencoded' && (
        <KeyValueRows
          id="rq-form"
          legend="Form fields"
          noun="field"
          path="body.fields"
          rows={draft.formFields}
          onChange={(formFields) => onChange({ formFields })}
        />
      )}
      {draft.bodyMode === 'multipart' && (
        <MultipartRows parts={draft.parts} onChange={(parts) => onChange({ parts })} />
      )}
      {draft.bodyMode === 'binary' && (
        <>
          <div className="field">
            <span className="field-label" id="rq-binary-label">
              File
            </span>
            <div className="input-row" role="group" aria-labelledby="rq-binary-label">
              <button type="button" data-testid="choose-binary" onClick={() => void chooseBinary()}>
                {draft.binaryPath && !binaryFile.again ? 'Change file…' : 'Choose file…'}
              </button>
              <span
                className={`mono file-path${binaryFile.again ? ' error-text' : ''}`}
                data-testid="binary-path"
                title={binaryFile.text}
              >
                {binaryFile.text}
              </span>
            </div>
            {pickError && <p className="error-text">{pickError}</p>}
            <FieldErrors path="body.path" messages={pathErrors} />
          </div>
          <TextField
            id="rq-binary-contentType"
            label="Content type"
            path="body.contentType"
            value={draft.binaryContentType}
            placeholder="application/octet-stream"
            onChange={(binaryContentType) => onChange({ binaryContentType })}
          />
        </>
      )}
    </section>
  );
}
