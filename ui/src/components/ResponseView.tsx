// A response: status (coloured by class), time and size, then the body (pretty JSON with
// folding, raw text, or an image), the headers, and the request as sent. "Save to file" writes
// the whole body, also when only a preview is shown, where the person says in a save dialog the
// Rust side opens (the page suggests a file name, never a path).
import { useMemo, useState } from 'react';
import { api, errorMessage } from '../api';
import type { ResponseView as Response } from '../bindings/ResponseView';
import { formatBytes, formatMillis, statusTone } from '../state/format';
import { HeadersTable } from './HeadersTable';
import { JsonTree } from './JsonTree';
import { useCommand } from '../useCommand';
import { SentRequestView } from './SentRequestView';

/** Bodies longer than this are shown as raw text: folding them would be slow. */
export const PRETTY_LIMIT = 1_000_000;

/**
 * Raw text beyond this many characters waits for "Show more": laying out the whole 1 MiB preview
 * of a large body (one long wrapped line, in minified JSON) takes WebKit seconds, 64 KiB a few
 * tens of milliseconds.
 */
export const FIRST_TEXT_LIMIT = 64 * 1024;

type Tab = 'body' | 'headers' | 'sent';

function parseJson(response: Response): { ok: true; value: unknown } | null {
  if (response.text === null || response.truncated || response.text.length >= PRETTY_LIMIT) return null;
  const looksJson = /json/i.test(response.contentType) || /^\s*[[{]/.test(response.text);
  if (!looksJson) return null;
  try {
    return { ok: true, value: JSON.parse(response.text) };
  } catch {
    return null;
  }
}

function suggestedFileName(contentType: string): string {
  const type = contentType.split(';')[0].trim().toLowerCase();
  const known: Record<string, string> = {
    'application/json': 'json',
    'text/html': 'html',
    'text/plain': 'txt',
    'text/csv': 'csv',
    'application/xml': 'xml',
    'text/xml': 'xml',
    'application/pdf': 'pdf',
    'image/png': 'png',
    'image/jpeg': 'jpg',
    'image/gif': 'gif',
    'image/svg+xml': 'svg',
    'image/webp': 'webp',
  };
  return `response.${known[type] ?? (type.endsWith('+json') ? 'json' : 'bin')}`;
}

export function ResponseView({ response }: { response: Response }) {
  const [tab, setTab] = useState<Tab>('body');
  const [raw, setRaw] = useState(false);
  // Which response's text is shown whole (a new response starts cut again).
  const [wholeText, setWholeText] = useState<string | null>(null);
  // Where the body was saved (null: the dialog was cancelled), until the next save.
  const [savedTo, setSavedTo] = useState<string | null>(null);
  const save = useCommand(async () =>
    setSavedTo(await api.saveResponseBody(response.bodyId, suggestedFileName(response.contentType))),
  );
  const json = useMemo(() => parseJson(response), [response]);
  const tone = statusTone(response.status);

  function saveBody() {
    setSavedTo(null);
    void save.run();
  }
  const saveMessage =
    save.error !== null ? errorMessage(save.error) : savedTo !== null && !save.busy ? `Saved to ${savedTo}` : null;

  return (
    <section className="response" aria-label="Response">
      <div className="response-summary">
        <span className={`status status-${tone}`} data-testid="response-status" data-status={response.status}>
          {response.status} {response.reason}
        </span>
        <span
          className="muted"
          data-testid="response-time"
          title={`First byte after ${formatMillis(response.timings.firstByteMs)}`}
        >
          {formatMillis(response.timings.totalMs)}
        </span>
        <span className="muted" data-testid="response-size">
          {formatBytes(response.size)}
        </span>
        <span className="spacer" />
        <button type="button" data-testid="save-body" onClick={saveBody} disabled={save.busy}>
          {save.busy ? 'Saving…' : 'Save to file'}
        </button>
      </div>
      {saveMessage && (
        <p className={save.error !== null ? 'error-text' : 'hint'} data-testid="save-result">
          {saveMessage}
        </p>
      )}

      <div className="tabs small" role="tablist" aria-label="Response parts">
        {(
          [
            ['body', 'Body'],
            ['headers', `Headers (${response.headers.length})`],
            ['sent', 'Request sent'],
          ] as const
        ).map(([value, label]) => (
          <button key={value} type="button" role="tab" aria-selected={tab === value} onClick={() => setTab(value)}>
            {label}
          </button>
        ))}
      </div>

      {tab === 'body' && (
        <div className="response-body" data-testid="response-body">
          {response.truncated && (
            <p className="note" data-testid="truncated-note">
              Truncated preview: the body is {formatBytes(response.size)}. Save to file to get all of it.
            </p>
          )}
          {response.imageDataUrl !== null && (
            <img className="image-preview" src={response.imageDataUrl} alt="Response body" />
          )}
          {response.text !== null && json && (
            <div className="view-toggle" role="group" aria-label="Body view">
              <button type="button" aria-pressed={!raw} onClick={() => setRaw(false)}>
                Pretty
              </button>
              <button type="button" aria-pressed={raw} onClick={() => setRaw(true)}>
                Raw
              </button>
            </div>
          )}
          {response.text !== null && json && !raw && <JsonTree value={json.value} />}
          {response.text !== null && (!json || raw) && (
            <RawText
              text={response.text}
              all={wholeText === response.bodyId}
              onShowAll={() => setWholeText(response.bodyId)}
            />
          )}
          {response.text === null && response.imageDataUrl === null && (
            <p className="muted">Binary body ({response.contentType || 'unknown type'}): use Save to file.</p>
          )}
        </div>
      )}
      {tab === 'headers' && <HeadersTable headers={response.headers} />}
      {tab === 'sent' && <SentRequestView sent={response.sent} />}
    </section>
  );
}

/** The body as text, its first FIRST_TEXT_LIMIT characters until the rest is asked for. */
function RawText({ text, all, onShowAll }: { text: string; all: boolean; onShowAll: () => void }) {
  const cut = !all && text.length > FIRST_TEXT_LIMIT;
  return (
    <>
      <pre className="body-text">{text === '' ? '(empty body)' : cut ? text.slice(0, FIRST_TEXT_LIMIT) : text}</pre>
      {cut && (
        <p className="hint" data-testid="more-text">
          Showing the first {FIRST_TEXT_LIMIT.toLocaleString('en')} of {text.length.toLocaleString('en')} characters.{' '}
          <button type="button" className="link-button" onClick={onShowAll}>
            Show all of it
          </button>
        </p>
      )}
    </>
  );
}
