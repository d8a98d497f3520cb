// The request tester's body modes (BodyEditor inside RequestTester): none, JSON (an invalid
// body shows json-error with its line and column and blocks Send; an empty one only once typed), raw with its content type, URL-encoded form
// rows, multipart parts with a file picked in the dialog the Rust side opens (the page gets a
// handle, shows the path, and sends the handle), and a binary file; for each, the RequestSpec
// body that send_request receives.
import { render, screen, waitFor } from '@testing-library/react';
import userEvent, { type UserEvent } from '@testing-library/user-event';
import { describe, expect, test } from 'vitest';
import type { RequestBody } from '../bindings/RequestBody';
import type { RequestSpec } from '../bindings/RequestSpec';
import { datasource, invalidInput, mockBackend, response, type Backend, type Handler } from '../test/backend';
import { RequestTester } from './RequestTester';

/** What pick_body_file answers for a picked `path` (`null`: cancelled): a handle per path. */
function picked(path: string | null) {
  return path === null ? null : { handle: `file_${[...path].reduce((sum, c) => sum + c.charCodeAt(0), 0)}`, path };
}

/** Renders the tester of a datasource; `dialogPath` is what the file dialog answers. */
function renderTester(dialogPath: string | null = '/home/me/upload.bin', handlers: Record<string, Handler> = {}) {
  const backend = mockBackend({
    get_datasource: () => datasource(),
    send_request: () => response(),
    pick_body_file: () => picked(dialogPath),
    ...handlers,
  });
  const user = userEvent.setup();
  render(<RequestTester datasourceId="ds-1" revision={0} active />);
  return { user, backend };
}

/** A file dialog answering each call with the next of `paths` (`null`: cancelled). */
function dialogAnswers(...paths: (string | null)[]): Handler {
  return () => picked(paths.shift() ?? null);
}

function sendButton(): HTMLButtonElement {
  return screen.getByRole('button', { name: 'Send' });
}

/** Sends and returns the request send_request received. */
async function send(user: UserEvent, backend: Backend): Promise<RequestSpec> {
  await user.click(sendButton());
  await waitFor(() => expect(backend.argsOf('send_request')).toHaveLength(1));
  return backend.argsOf('send_request')[0].request as RequestSpec;
}

async function chooseMode(user: UserEvent, label: string) {
  await user.selectOptions(screen.getByRole('combobox', { name: 'Body' }), label);
}

test('None is the default and sends no body', async () => {
  const { user, backend } = renderTester();
  expect(screen.getByRole<HTMLSelectElement>('combobox', { name: 'Body' }).value).toBe('none');
  expect(screen.queryByTestId('body-json')).toBeNull();
  expect(screen.queryByTestId('body-raw')).toBeNull();

  await user.type(screen.getByLabelText('Path'), '/users');
  const request = await send(user, backend);
  expect(request).toEqual({ method: 'GET', path: '/users', headers: [], queryParams: [], body: { type: 'none' } });
});

describe('JSON', () => {
  test('an invalid body shows the JSON error and disables Send', async () => {
    const { user } = renderTester();
    await chooseMode(user, 'JSON');
    await user.click(screen.getByLabelText('JSON body'));
    await user.paste('{"name": ');

    expect(screen.getByTestId('json-error').textContent).toMatch(/^Not valid JSON/);
    expect(screen.getByLabelText('JSON body').getAttribute('aria-invalid')).toBe('true');
    expect(sendButton().disabled).toBe(true);
  });

  test('Ctrl+Enter sends only once the body is valid', async () => {
    const { user, backend } = renderTester();
    await chooseMode(user, 'JSON');
    const body = screen.getByLabelText('JSON body');
    await user.click(body);
    await user.paste('[1, 2');
    await user.keyboard('{Control>}{Enter}{/Control}');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(backend.argsOf('send_request')).toEqual([]);

    await user.paste(']');
    await user.keyboard('{Control>}{Enter}{/Control}');
    await waitFor(() => expect(backend.argsOf('send_request')).toHaveLength(1));
    expect((backend.argsOf('send_request')[0].request as RequestSpec).body).toEqual({ type: 'json', text: '[1, 2]' });
  });

  test('an empty body is a hint, not an error, until something was typed', async () => {
    const { user } = renderTester();
    await chooseMode(user, 'JSON');
    expect(screen.queryByTestId('json-error'), 'no error for a body nobody typed yet').toBeNull();
    expect(screen.getByLabelText('JSON body').getAttribute('aria-invalid')).toBeNull();
    expect(screen.getByTestId('json-hint').textContent).toMatch(/Enter a JSON value/);
    expect(sendButton().disabled).toBe(true);

    await user.click(screen.getByLabelText('JSON body'));
    await user.keyboard('1{Backspace}');
    expect(screen.getByTestId('json-error').textContent).toMatch(/empty/);
  });

  test('an invalid body names the line and column of the mistake', async () => {
    const { user } = renderTester();
    await chooseMode(user, 'JSON');
    await user.click(screen.getByLabelText('JSON body'));
    await user.paste('{\n  "name": "Ada",\n  "age": 36,\n}');
    expect(screen.getByTestId('json-error').textContent).toBe(
      'Not valid JSON at line 3, column 13: a trailing comma before “}”.',
    );
  });

  test('a valid body clears the error and is sent as typed', async () => {
    const { user, backend } = renderTester();
    await user.selectOptions(screen.getByLabelText('Method'), 'POST');
    await chooseMode(user, 'JSON');
    await user.click(screen.getByLabelText('JSON body'));
    await user.paste('{"name": "Ada"}');

    expect(screen.queryByTestId('json-error')).toBeNull();
    expect(sendButton().disabled).toBe(false);
    const request = await send(user, backend);
    expect(request.method).toBe('POST');
    expect(request.body).toEqual({ type: 'json', text: '{"name": "Ada"}' });
  });
});

test('Raw sends the text with its content type', async () => {
  const { user, backend } = renderTester();
  await chooseMode(user, 'Raw');
  await user.type(screen.getByLabelText('Raw body'), 'a,b\n1,2');
  const contentType = screen.getByLabelText('Content type');
  expect((contentType as HTMLInputElement).value).toBe('text/plain');
  await user.clear(contentType);
  await user.type(contentType, 'text/csv');

  const request = await send(user, backend);
  expect(request.body).toEqual({ type: 'raw', text: 'a,b\n1,2', contentType: 'text/csv' });
});

test('Form (URL-encoded) sends its rows, blank ones left out', async () => {
  const { user, backend } = renderTester();
  await chooseMode(user, 'Form (URL-encoded)');
  const add = screen.getByRole('button', { name: '+ Add field' });
  await user.click(add);
  await user.click(add);
  await user.click(add);
  await user.type(screen.getByLabelText('Form fields 1 key'), 'grant');
  await user.type(screen.getByLabelText('Form fields 1 value'), 'yes');
  await user.type(screen.getByLabelText('Form fields 3 key'), 'empty');

  const request = await send(user, backend);
  expect(request.body).toEqual({
    type: 'formUrlencoded',
    fields: [
      { key: 'grant', value: 'yes' },
      { key: 'empty', value: '' },
    ],
  });
});

describe('Multipart form', () => {
  test('a text part and a file part picked in the dialog', async () => {
    const { user, backend } = renderTester('/home/me/photo.png');
    await chooseMode(user, 'Multipart form');
    const add = screen.getByRole('button', { name: '+ Add part' });
    await user.click(add);
    await user.type(screen.getByLabelText('Part 1 name'), 'title');
    await user.type(screen.getByLabelText('Part 1 value'), 'Holiday');
    await user.click(add);
    await user.type(screen.getByLabelText('Part 2 name'), 'photo');
    await user.selectOptions(screen.getByLabelText('Part 2 kind'), 'File');
    expect(screen.getByLabelText('Part 2 file').textContent).toBe('No file chosen');
    await user.click(screen.getByRole('button', { name: 'Choose file…' }));

    await waitFor(() => expect(screen.getByLabelText('Part 2 file').textContent).toBe('/home/me/photo.png'));
    expect(backend.argsOf('pick_body_file')).toEqual([{ title: 'Choose the file for this part' }]);
    await user.type(screen.getByLabelText('Part 2 content type'), 'image/png');

    const request = await send(user, backend);
    expect(request.body).toEqual({
      type: 'multipart',
      parts: [
        { key: 'title', value: 'Holiday', contentType: '' },
        { key: 'photo', value: '', file: picked('/home/me/photo.png')?.handle, contentType: 'image/png' },
      ],
    });
  });

  test('cancelling the dialog keeps the file chosen before', async () => {
    const { user, backend } = renderTester(null, { pick_body_file: dialogAnswers('/home/me/first.png', null) });
    await chooseMode(user, 'Multipart form');
    await user.click(screen.getByRole('button', { name: '+ Add part' }));
    await user.selectOptions(screen.getByLabelText('Part 1 kind'), 'File');
    await user.click(screen.getByRole('button', { name: 'Choose file…' }));
    await waitFor(() => expect(screen.getByLabelText('Part 1 file').textContent).toBe('/home/me/first.png'));

    await user.click(screen.getByRole('button', { name: 'Change file…' }));
    await waitFor(() => expect(backend.argsOf('pick_body_file')).toHaveLength(2));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(screen.getByLabelText('Part 1 file').textContent).toBe('/home/me/first.png');
  });
});

describe('Binary file', () => {
  test('Send is disabled until a file is chosen', async () => {
    const { user } = renderTester();
    await chooseMode(user, 'Binary file');
    expect(screen.getByTestId('binary-path').textContent).toBe('No file chosen');
    expect(sendButton().disabled).toBe(true);
    expect(screen.getByText('Choose the file to send.')).toBeTruthy();
  });

  test('the chosen file is sent with its content type', async () => {
    const { user, backend } = renderTester('/home/me/archive.zip');
    await chooseMode(user, 'Binary file');
    await user.click(screen.getByRole('button', { name: 'Choose file…' }));
    await waitFor(() => expect(screen.getByTestId('binary-path').textContent).toBe('/home/me/archive.zip'));
    expect(screen.getByRole('button', { name: 'Change file…' })).toBeTruthy();
    const contentType = screen.getByLabelText('Content type');
    await user.clear(contentType);
    await user.type(contentType, 'application/zip');

    expect(sendButton().disabled).toBe(false);
    const request = await send(user, backend);
    expect(request.body).toEqual({
      type: 'binary',
      path: picked('/home/me/archive.zip')?.handle,
      contentType: 'application/zip',
    });
    expect(JSON.stringify(request), 'the page sends the handle, never the path').not.toContain('/home/me');
  });

  test('cancelling the dialog keeps the file chosen before', async () => {
    const { user, backend } = renderTester(null, { pick_body_file: dialogAnswers('/home/me/first.bin', null) });
    await chooseMode(user, 'Binary file');
    await user.click(screen.getByRole('button', { name: 'Choose file…' }));
    await waitFor(() => expect(screen.getByTestId('binary-path').textContent).toBe('/home/me/first.bin'));

    await user.click(screen.getByRole('button', { name: 'Change file…' }));
    await waitFor(() => expect(backend.argsOf('pick_body_file')).toHaveLength(2));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(screen.getByTestId('binary-path').textContent).toBe('/home/me/first.bin');
    expect(sendButton().disabled).toBe(false);
  });

  test('a failing dialog says why', async () => {
    const { user } = renderTester(null, {
      pick_body_file: () => {
        throw 'dialog plugin not allowed';
      },
    });
    await chooseMode(user, 'Binary file');
    await user.click(screen.getByRole('button', { name: 'Choose file…' }));
    expect(await screen.findByText('dialog plugin not allowed')).toBeTruthy();
  });
});

test('switching modes keeps what was typed in each', async () => {
  const { user, backend } = renderTester();
  await chooseMode(user, 'Raw');
  await user.type(screen.getByLabelText('Raw body'), 'kept');
  await chooseMode(user, 'JSON');
  await user.click(screen.getByLabelText('JSON body'));
  await user.paste('{"also": "kept"}');
  await chooseMode(user, 'Raw');
  expect(screen.getByLabelText<HTMLTextAreaElement>('Raw body').value).toBe('kept');

  const request = await send(user, backend);
  const body: RequestBody = { type: 'raw', text: 'kept', contentType: 'text/plain' };
  expect(request.body).toEqual(body);
});

test('a saved request naming a file by path asks for the file again, and the refusal shows under it', async () => {
  const query = {
    id: 'q_1',
    datasourceId: 'ds-1',
    name: 'Upload',
    method: 'POST',
    path: '/upload',
    headers: [],
    queryParams: [],
    body: { type: 'binary' as const, path: '/home/me/.ssh/id_ed25519', contentType: '' },
    createdAt: 0,
    updatedAt: 0,
  };
  const refusal = invalidInput(
    'body.path: the desktop app sends only a file chosen with Choose file…: choose it again',
    [{ field: 'body.path', message: 'the desktop app sends only a file chosen with Choose file…: choose it again' }],
  );
  const { user, backend } = renderTester('/home/me/upload.bin', {
    list_queries: () => [query],
    send_request: () => {
      throw refusal;
    },
  });
  await user.click(await screen.findByRole('button', { name: 'POSTUpload' }));
  await waitFor(() =>
    expect(screen.getByTestId('binary-path').textContent).toBe('/home/me/.ssh/id_ed25519: choose it again'),
  );
  expect(screen.getByRole('button', { name: 'Choose file…' })).toBeTruthy();

  const request = await send(user, backend);
  expect(request.body).toEqual(query.body);
  expect(await screen.findAllByText(/sends only a file chosen with Choose file/)).not.toHaveLength(0);

  await user.click(screen.getByRole('button', { name: 'Choose file…' }));
  await waitFor(() => expect(screen.getByTestId('binary-path').textContent).toBe('/home/me/upload.bin'));
});
