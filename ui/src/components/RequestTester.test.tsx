// The request tester around the request itself: edits to a saved request are marked and asked
// about before "+ New" or another saved request drops them; "+ New" clears the last response; a
// history entry opens back into the editor and runs again; a query typed into the path moves to
// the query table; an error shows each of its texts once; the icons are drawn, not glyphs.
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, test } from 'vitest';
import type { ErrorPayload } from '../bindings/ErrorPayload';
import type { HistoryEntry } from '../bindings/HistoryEntry';
import type { RequestSpec } from '../bindings/RequestSpec';
import type { SavedQuery } from '../bindings/SavedQuery';
import { datasource, invalidInput, mockBackend, response, type Handler } from '../test/backend';
import { RequestTester } from './RequestTester';

function saved(name: string, path: string): SavedQuery {
  return {
    id: `q_${name}`,
    datasourceId: 'ds-1',
    name,
    createdAt: 0,
    updatedAt: 0,
    method: 'GET',
    path,
    headers: [],
    queryParams: [],
    body: { type: 'none' },
  } as SavedQuery;
}

function entry(overrides: Partial<HistoryEntry> = {}): HistoryEntry {
  return {
    id: 'run_1',
    datasourceId: 'ds-1',
    queryName: null,
    createdAt: 1_700_000_000_000,
    method: 'POST',
    url: 'https://api.example.com/v1/orders?limit=5',
    status: 201,
    error: null,
    totalMs: 12,
    size: 20,
    sent: {
      method: 'POST',
      url: 'https://api.example.com/v1/orders?limit=5',
      headers: [
        { key: 'authorization', value: '<redacted>' },
        { key: 'content-type', value: 'application/json' },
      ],
      body: '{"item":"tea"}',
    },
    ...overrides,
  };
}

function renderTester(handlers: Record<string, Handler> = {}) {
  const dirty: boolean[] = [];
  const backend = mockBackend({
    get_datasource: () => datasource({ auth: { type: 'bearer', token: { set: true } } as never }),
    list_queries: () => [saved('List orders', '/orders'), saved('One order', '/orders/1')],
    send_request: () => response(),
    ...handlers,
  });
  const user = userEvent.setup();
  render(<RequestTester datasourceId="ds-1" revision={0} active onDirtyChange={(value) => dirty.push(value)} />);
  return { user, backend, dirty };
}

const path = () => screen.getByLabelText<HTMLInputElement>('Path');

async function openSaved(user: ReturnType<typeof userEvent.setup>, name: string) {
  await user.click(await screen.findByRole('button', { name: new RegExp(`^GET\\s*${name}$`) }));
  await waitFor(() => expect(screen.getByLabelText<HTMLInputElement>('Request name').value).toBe(name));
}

describe('edits to a saved request', () => {
  test('are marked, and + New asks before dropping them', async () => {
    const { user, dirty } = renderTester();
    await openSaved(user, 'List orders');
    expect(screen.queryByTestId('request-unsaved'), 'a saved request just opened is not marked').toBeNull();

    await user.type(path(), '/open');
    expect(screen.getByTestId('request-unsaved').textContent).toBe('Unsaved changes');
    expect(dirty.at(-1), 'the app is told, to ask before another datasource').toBe(true);

    await user.click(screen.getByTestId('new-request'));
    const dialog = screen.getByRole('alertdialog');
    expect(dialog.textContent).toContain('“List orders” has changes that are not saved');
    await user.click(within(dialog).getByRole('button', { name: 'Keep editing' }));
    expect(path().value, 'keeping the edits keeps them').toBe('/orders/open');

    await user.click(screen.getByTestId('new-request'));
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Discard changes' }));
    expect(path().value).toBe('');
    expect(screen.getByLabelText<HTMLInputElement>('Request name').value).toBe('');
    expect(screen.queryByTestId('request-unsaved')).toBeNull();
    expect(dirty.at(-1)).toBe(false);
  });

  test('opening another saved request asks too; without edits nothing is asked', async () => {
    const { user } = renderTester();
    await openSaved(user, 'List orders');
    await openSaved(user, 'One order');
    expect(screen.queryByRole('alertdialog')).toBeNull();

    await user.type(path(), '?x');
    await user.click(screen.getByRole('button', { name: /^GET\s*List orders$/ }));
    expect(screen.getByRole('alertdialog')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Discard changes' }));
    expect(path().value).toBe('/orders');
  });

  test('saving clears the mark', async () => {
    const { user } = renderTester({
      save_query: (args) => ({ ...saved(args.name as string, (args.request as RequestSpec).path) }),
    });
    await openSaved(user, 'List orders');
    await user.type(path(), '/all');
    await user.click(screen.getByTestId('save-request'));
    await waitFor(() => expect(screen.queryByTestId('request-unsaved')).toBeNull());
  });
});

test('+ New clears the previous response', async () => {
  const { user } = renderTester({ send_request: () => response({ text: 'the old answer' }) });
  await user.type(path(), '/orders');
  await user.click(screen.getByRole('button', { name: 'Send' }));
  await screen.findByTestId('response-status');
  await user.click(screen.getByTestId('new-request'));
  expect(screen.queryByTestId('response-status'), 'no response of the request before').toBeNull();
  expect(screen.queryByText('the old answer')).toBeNull();
});

describe('a query typed into the path', () => {
  test('moves into the query table when the field is left', async () => {
    const { user } = renderTester();
    await user.type(path(), '/orders?v=2');
    expect(path().value, 'not while typing').toBe('/orders?v=2');
    await user.tab();
    expect(path().value).toBe('/orders');
    expect(screen.getByLabelText<HTMLInputElement>('Query parameters 1 key').value).toBe('v');
    expect(screen.getByLabelText<HTMLInputElement>('Query parameters 1 value').value).toBe('2');
  });

  test('pasted, at once; and what is sent has it as a parameter', async () => {
    const { user, backend } = renderTester();
    await user.click(path());
    await user.paste('/orders?v=2&q=a%20b');
    expect(path().value).toBe('/orders');
    await user.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(backend.argsOf('send_request')).toHaveLength(1));
    const sent = backend.argsOf('send_request')[0].request as RequestSpec;
    expect([sent.path, sent.queryParams]).toEqual([
      '/orders',
      [
        { key: 'v', value: '2' },
        { key: 'q', value: 'a b' },
      ],
    ]);
  });
});

describe('history', () => {
  test('an entry opens back into the editor, without the credential the datasource adds', async () => {
    const { user } = renderTester({ history: () => [entry()] });
    const run = await screen.findByTestId('history-entry');
    await user.click(run.querySelector('summary') as HTMLElement);
    await user.click(within(run).getByTestId('history-open'));
    expect(path().value).toBe('/orders');
    expect(screen.getByLabelText<HTMLSelectElement>('Method').value).toBe('POST');
    expect(screen.getByLabelText<HTMLInputElement>('Query parameters 1 value').value).toBe('5');
    expect(screen.getByLabelText<HTMLTextAreaElement>('JSON body').value).toBe('{"item":"tea"}');
    expect(
      screen.queryByDisplayValue('<redacted>'),
      'the redacted Authorization is not a header of the request',
    ).toBeNull();
  });

  test('Run again sends the same request', async () => {
    const { user, backend } = renderTester({ history: () => [entry()] });
    const run = await screen.findByTestId('history-entry');
    await user.click(run.querySelector('summary') as HTMLElement);
    await user.click(within(run).getByTestId('history-run'));
    await waitFor(() => expect(backend.argsOf('send_request')).toHaveLength(1));
    expect(backend.argsOf('send_request')[0]).toMatchObject({
      queryName: null,
      request: {
        method: 'POST',
        path: '/orders',
        headers: [],
        queryParams: [{ key: 'limit', value: '5' }],
        body: { type: 'json', text: '{"item":"tea"}' },
      },
    });
    await screen.findByTestId('response-status');
  });

  test('a long URL is cut in the middle: its end stays whole, all of it in the tooltip', async () => {
    const url = `https://api.example.com/v1/${'segment/'.repeat(20)}last-part?page=7`;
    renderTester({ history: () => [entry({ url })] });
    const run = await screen.findByTestId('history-entry');
    const cut = run.querySelector('.middle-cut') as HTMLElement;
    expect(cut.getAttribute('title')).toBe(url);
    expect(cut.querySelector('.middle-cut-tail')?.textContent).toBe(url.slice(-28));
    expect(cut.querySelector('.middle-cut-tail')?.textContent?.endsWith('last-part?page=7')).toBe(true);
    expect(
      (cut.querySelector('.middle-cut-head')?.textContent ?? '') +
        (cut.querySelector('.middle-cut-tail')?.textContent ?? ''),
    ).toBe(url);
  });
});

describe('errors', () => {
  test("a provider's error is shown once", async () => {
    const description = 'The client secret was rotated at the provider';
    const refused: ErrorPayload = {
      code: 'token_endpoint',
      message: `invalid_client: ${description}: check the Client ID and Client Secret`,
      field: null,
      fields: [],
      provider: { error: 'invalid_client', description, status: 401 },
    };
    const { user } = renderTester({
      send_request: () => {
        throw refused;
      },
    });
    await user.type(path(), '/orders');
    await user.click(screen.getByRole('button', { name: 'Send' }));
    const shown = await screen.findByTestId('send-error');
    expect(shown.textContent?.split(description).length, shown.textContent ?? '').toBe(2);
    expect(shown.dataset.code, 'the error code is there for the Authorize offer').toBe('token_endpoint');
  });

  test('an invalid request names each field once', async () => {
    const { user } = renderTester({
      send_request: () => {
        throw invalidInput('auth.token: the bearer token is empty: set it in Settings', [
          { field: 'auth.token', message: 'the bearer token is empty: set it in Settings' },
        ]);
      },
    });
    await user.type(path(), '/orders');
    await user.click(screen.getByRole('button', { name: 'Send' }));
    const shown = await screen.findByTestId('send-error');
    expect(shown.textContent?.split('the bearer token is empty').length, shown.textContent ?? '').toBe(2);
  });
});

test('the saved requests draw their icons (no glyph a font may lack)', async () => {
  renderTester();
  const duplicate = await screen.findByRole('button', { name: 'Duplicate List orders' });
  expect(duplicate.querySelector('svg'), 'an inline SVG').not.toBeNull();
  expect(duplicate.textContent).toBe('');
  expect(screen.getByRole('button', { name: 'Rename List orders' }).querySelector('svg')).not.toBeNull();
});

test('in a narrow window the list folds under a button that says how many there are', async () => {
  const { user } = renderTester();
  const fold = await screen.findByTestId('queries-fold');
  await waitFor(() => expect(fold.textContent).toContain('Saved requests (2)'));
  expect(fold.getAttribute('aria-expanded')).toBe('false');
  await act(() => user.click(fold));
  expect(fold.getAttribute('aria-expanded')).toBe('true');
});

test('an empty JSON body typed away in one request is not an error in the next', async () => {
  const { user } = renderTester();
  await user.selectOptions(screen.getByRole('combobox', { name: 'Body' }), 'JSON');
  await user.click(screen.getByLabelText('JSON body'));
  await user.keyboard('1{Backspace}');
  expect(screen.getByTestId('json-error')).toBeTruthy();
  await user.click(screen.getByTestId('new-request'));
  await user.selectOptions(screen.getByRole('combobox', { name: 'Body' }), 'JSON');
  expect(screen.queryByTestId('json-error')).toBeNull();
});
