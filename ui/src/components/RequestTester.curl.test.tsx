// A curl command pasted into the tester's path: the whole text (line breaks and all, which an
// input would drop) goes to the core, the request is filled from its answer and sent as is, what
// was left out is said, and a command for another origin offers the Import dialog.
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, test } from 'vitest';
import type { PastedRequest } from '../bindings/PastedRequest';
import type { RequestSpec } from '../bindings/RequestSpec';
import { isCurlCommand } from '../state/requestDraft';
import { datasource, invalidInput, mockBackend, response, type Handler } from '../test/backend';
import { RequestTester } from './RequestTester';

const COMMAND = `curl -X POST 'https://api.example.com/v1/orders?dry=1' \\
  -H 'Authorization: Bearer tok-123' \\
  -H 'X-Trace: on' \\
  -d '{"item":"tea"}'`;

const FILLED: PastedRequest = {
  request: {
    method: 'POST',
    path: '/orders',
    headers: [{ key: 'X-Trace', value: 'on' }],
    queryParams: [{ key: 'dry', value: '1' }],
    body: { type: 'json', text: '{"item":"tea"}' },
  },
  otherOrigin: null,
  dropped: [
    { item: 'line 1', what: 'the Authorization header', reason: "the datasource's authentication is used instead" },
  ],
};

function renderTester(handlers: Record<string, Handler> = {}) {
  const backend = mockBackend({
    get_datasource: () => datasource({ auth: { type: 'bearer', token: { set: true } } as never }),
    request_from_curl: () => FILLED,
    send_request: () => response(),
    ...handlers,
  });
  const imports: string[] = [];
  const user = userEvent.setup();
  render(<RequestTester datasourceId="ds-1" revision={0} active onImportText={(text) => imports.push(text)} />);
  return { user, backend, imports };
}

const path = () => screen.getByLabelText<HTMLInputElement>('Path');

describe('pasting a curl command into the path', () => {
  test('is told apart from a path', () => {
    expect(isCurlCommand(COMMAND)).toBe(true);
    expect(isCurlCommand('$ curl https://a.example')).toBe(true);
    expect(isCurlCommand('# from the docs\r\ncurl.exe ^\r\n  https://a.example')).toBe(true);
    expect(isCurlCommand('/curl/items')).toBe(false);
    expect(isCurlCommand('curlew')).toBe(false);
    expect(isCurlCommand('')).toBe(false);
  });

  test('fills the request from the core, without the credential, and sends it', async () => {
    const { user, backend } = renderTester();
    await user.click(path());
    await user.paste(COMMAND);
    await waitFor(() => expect(path().value).toBe('/orders'));
    expect(backend.argsOf('request_from_curl'), 'the text with its line breaks').toEqual([
      { datasourceId: 'ds-1', environmentId: 'env_default', text: COMMAND },
    ]);
    expect(screen.getByTestId<HTMLSelectElement>('request-method').value).toBe('POST');
    const notice = screen.getByTestId('curl-paste-notice');
    expect(within(notice).getByTestId('curl-dropped').textContent).toBe(
      "Not copied: the Authorization header: the datasource's authentication is used instead",
    );
    expect(screen.queryByTestId('curl-other-origin')).toBeNull();

    await user.click(screen.getByTestId('send'));
    await waitFor(() => expect(backend.argsOf('send_request')).toHaveLength(1));
    const sent = backend.argsOf('send_request')[0].request as RequestSpec;
    expect(sent).toEqual(FILLED.request);
    expect(JSON.stringify(backend.calls.filter((c) => c.cmd === 'send_request'))).not.toContain('tok-123');
  });

  test('a command for another origin says so and offers to import it', async () => {
    const { user, imports } = renderTester({
      request_from_curl: (): PastedRequest => ({
        request: { ...FILLED.request, path: 'https://other.example/orders' },
        otherOrigin: 'https://other.example',
        dropped: [],
      }),
    });
    await user.click(path());
    await user.paste('curl https://other.example/orders');
    const other = await screen.findByTestId('curl-other-origin');
    expect(other.textContent).toContain("It goes to https://other.example, not this datasource's origin");
    await user.click(screen.getByTestId('curl-import'));
    expect(imports).toEqual(['curl https://other.example/orders']);
  });

  test('a command that does not read says why and leaves the request as it was', async () => {
    const { user } = renderTester({
      request_from_curl: () => {
        throw invalidInput('line 1: a single quote is not closed: close it', []);
      },
    });
    await user.click(path());
    await user.type(path(), '/keep');
    await user.paste("curl 'https://api.example.com");
    expect((await screen.findByTestId('curl-paste-notice')).textContent).toContain(
      'The curl command was not read: line 1: a single quote is not closed',
    );
    expect(path().value).toBe('/keep');
  });

  test('a path is pasted as a path', async () => {
    const { user, backend } = renderTester();
    await user.click(path());
    await user.paste('/orders?limit=5');
    expect(path().value).toBe('/orders');
    expect(backend.argsOf('request_from_curl')).toEqual([]);
  });
});
