// Copy as cURL in the request tester: the Rust side copies (with the secrets when asked) and
// answers with the redacted command only; the first click copies; what is shown is dropped as
// soon as the request or "Include secrets" changes, so it never shows another request's command.
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { expect, test } from 'vitest';
import type { CurlCopy } from '../bindings/CurlCopy';
import type { RequestSpec } from '../bindings/RequestSpec';
import { datasource, mockBackend, response, type Args } from '../test/backend';
import { RequestTester } from './RequestTester';

const TOKEN = 'tok-SECRET-bearer-5521';

/** The fake Rust side: "copies" the command (with the token when asked) to `clipboard`. */
function renderTester(answer: (args: Args) => Partial<CurlCopy> = () => ({})) {
  const clipboard: string[] = [];
  const backend = mockBackend({
    get_datasource: () => datasource(),
    send_request: () => response(),
    copy_curl_command: (args) => {
      const path = (args.request as RequestSpec).path;
      const redacted = `curl 'https://api.example.com${path}' -H 'authorization: <redacted>'`;
      clipboard.push(args.includeSecrets ? redacted.replace('<redacted>', `Bearer ${TOKEN}`) : redacted);
      return { redacted, copied: true, clipboardProblem: null, ...answer(args) };
    },
  });
  const user = userEvent.setup();
  render(<RequestTester datasourceId="ds-1" revision={0} active />);
  return { user, backend, clipboard };
}

test('the first click copies, and with secrets the page only ever sees the redacted command', async () => {
  const { user, backend, clipboard } = renderTester();
  await user.type(screen.getByLabelText('Path'), '/users');
  await user.click(screen.getByLabelText('Include secrets'));
  await user.click(screen.getByTestId('copy-curl'));

  await waitFor(() => expect(clipboard).toHaveLength(1));
  expect(clipboard[0], 'the clipboard got the command with the token').toContain(`Bearer ${TOKEN}`);
  expect(backend.argsOf('copy_curl_command')).toEqual([
    {
      datasourceId: 'ds-1',
      environmentId: 'env_default',
      request: expect.objectContaining({ path: '/users' }),
      includeSecrets: true,
    },
  ]);
  expect(await screen.findByTestId('curl-status')).toHaveProperty(
    'textContent',
    expect.stringMatching(/^Copied to the clipboard with the secrets/),
  );
  expect(screen.getByTestId('curl-command').textContent).toBe(
    "curl 'https://api.example.com/users' -H 'authorization: <redacted>'",
  );
  expect(document.body.innerHTML, 'the token is nowhere in the page').not.toContain(TOKEN);
});

test('the shown command goes as soon as the path or the checkbox changes', async () => {
  const { user } = renderTester();
  const path = screen.getByLabelText('Path');
  await user.type(path, '/old');
  await user.click(screen.getByLabelText('Include secrets'));
  await user.click(screen.getByTestId('copy-curl'));
  expect((await screen.findByTestId('curl-command')).textContent).toContain('/old');

  // Issue 13: after the path changed and the box was unticked, the old command stayed.
  await user.clear(path);
  await user.type(path, '/new');
  expect(screen.queryByTestId('curl-command'), 'a command for /old is not shown while the path is /new').toBeNull();
  await user.click(screen.getByLabelText('Include secrets'));
  expect(screen.queryByTestId('curl-status'), 'nor that it was copied with secrets').toBeNull();

  await user.click(screen.getByTestId('copy-curl'));
  expect((await screen.findByTestId('curl-command')).textContent).toContain('/new');
  expect(screen.getByTestId('curl-status').textContent).toBe('Copied to the clipboard (secrets redacted).');

  // Ticking the box again: the shown "secrets redacted" result no longer describes what a copy would do.
  await user.click(screen.getByLabelText('Include secrets'));
  expect(screen.queryByTestId('curl-command')).toBeNull();
});

test('when the clipboard refuses, the redacted command is shown to copy by hand, with the reason', async () => {
  const { user } = renderTester(() => ({ copied: false, clipboardProblem: 'no display' }));
  await user.type(screen.getByLabelText('Path'), '/users');
  await user.click(screen.getByLabelText('Include secrets'));
  await user.click(screen.getByTestId('copy-curl'));
  const status = await screen.findByTestId('curl-status');
  expect(status.textContent).toMatch(/^Could not reach the clipboard \(no display\).*the secrets are redacted here/);
  expect(screen.getByTestId('curl-command').textContent).toContain('<redacted>');
});
