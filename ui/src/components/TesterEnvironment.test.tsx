// The tester in an environment: requests go with its id; the URL preview is the environment's
// (its override, plain variables resolved, secret ones left as written); `{{` offers its
// variables; names it lacks are marked before Send; in production Send says so and a POST asks
// once, a GET does not.
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, test } from 'vitest';
import type { EnvironmentSummary } from '../bindings/EnvironmentSummary';
import { datasource, environment, mockBackend, response } from '../test/backend';
import { RequestTester } from './RequestTester';

const STAGING: EnvironmentSummary = { id: 'env_staging', name: 'staging', production: false, variables: 3 };
const PROD: EnvironmentSummary = { id: 'env_prod', name: 'prod', production: true, variables: 0 };

function renderTester(env: EnvironmentSummary) {
  const backend = backendFor(env);
  const view = render(<RequestTester datasourceId="ds-1" environment={env} revision={0} active />);
  return { backend, user: userEvent.setup(), view };
}

function backendFor(env: EnvironmentSummary) {
  const backend = mockBackend({
    get_datasource: () =>
      datasource({
        url: 'https://{{host}}/v1',
        environments: { staging: { url: 'https://{{host}}/staging' } },
      }),
    get_environment: (args) =>
      environment({
        id: args.id as string,
        name: env.name,
        production: env.production,
        variables:
          env.id === 'env_staging'
            ? [
                { key: 'host', value: 'staging.example.com', secret: false },
                { key: 'tenant', value: 't-42', secret: false },
                { key: 'apiKey', value: { set: true }, secret: true },
              ]
            : [{ key: 'host', value: 'api.example.com', secret: false }],
      }),
    send_request: () => response(),
  });
  return backend;
}

describe('the tester in an environment', () => {
  test('the preview is the environment override with plain variables resolved, secret ones as written', async () => {
    const { backend, user } = renderTester(STAGING);
    const path = screen.getByLabelText('Path');
    await user.type(path, '/t/{{{{tenant}}/k/{{{{apiKey}}');
    await waitFor(() =>
      expect(screen.getByTestId('full-url').textContent).toBe(
        'https://staging.example.com/staging/t/t-42/k/{{apiKey}}',
      ),
    );
    await user.click(screen.getByTestId('send'));
    await waitFor(() => expect(backend.argsOf('send_request')).toHaveLength(1));
    expect(backend.argsOf('send_request')[0]).toMatchObject({ datasourceId: 'ds-1', environmentId: 'env_staging' });
    expect(backend.argsOf('send_request')[0].request).toMatchObject({ path: '/t/{{tenant}}/k/{{apiKey}}' });
  });

  test("switching environment clears the other environment's response", async () => {
    const { user, view } = renderTester(STAGING);
    await user.click(screen.getByTestId('send'));
    expect(await screen.findByTestId('response-status')).toBeTruthy();
    view.rerender(<RequestTester datasourceId="ds-1" environment={PROD} revision={0} active />);
    expect(screen.queryByTestId('response-status')).toBeNull();
    expect(screen.getByTestId('send').className).toContain('production');
  });

  test('typing {{ offers the variables, narrowed as typed; Enter puts the name in', async () => {
    const { user } = renderTester(STAGING);
    const path = screen.getByLabelText<HTMLInputElement>('Path');
    await waitFor(() => expect(screen.getByTestId('full-url').textContent).toContain('staging.example.com'));
    await user.type(path, '/x/{{{{');
    const list = await screen.findByTestId('variable-suggestions');
    expect(
      within(list)
        .getAllByTestId('variable-suggestion')
        .map((o) => o.dataset.key),
    ).toEqual(['host', 'tenant', 'apiKey']);
    expect(list.textContent, 'a secret value is never shown').toContain('secret');
    await user.type(path, 't');
    expect(within(screen.getByTestId('variable-suggestions')).getAllByTestId('variable-suggestion')).toHaveLength(1);
    await user.keyboard('{Enter}');
    expect(path.value).toBe('/x/{{tenant}}');
    expect(screen.queryByTestId('variable-suggestions')).toBeNull();
  });

  test('a click on a suggestion in a header value puts it in', async () => {
    const { user } = renderTester(STAGING);
    await waitFor(() => expect(screen.getByTestId('full-url').textContent).toContain('staging.example.com'));
    await user.click(screen.getByRole('button', { name: /add header/i }));
    const value = screen.getAllByPlaceholderText(/value/i).at(-1) as HTMLInputElement;
    await user.type(value, 'Bearer {{{{ap');
    await user.click(within(await screen.findByTestId('variable-suggestions')).getByText('{{apiKey}}'));
    expect(value.value).toBe('Bearer {{apiKey}}');
  });

  test('names the environment lacks are marked before Send', async () => {
    const { user } = renderTester(STAGING);
    await waitFor(() => expect(screen.getByTestId('full-url').textContent).toContain('staging.example.com'));
    expect(screen.queryByTestId('unresolved-variables')).toBeNull();
    await user.type(screen.getByLabelText('Path'), '/{{{{nope}}/\\{{{{literal}}');
    expect(screen.getByTestId('unresolved-variables').textContent).toContain('Not defined in staging: {{nope}}.');
    expect(screen.getByTestId('unresolved-variables').textContent).not.toContain('literal');
  });

  test('production: Send names it, a POST asks once and Don’t send sends nothing; a GET goes at once', async () => {
    const { backend, user } = renderTester(PROD);
    const send = screen.getByTestId('send');
    await waitFor(() => expect(send.textContent).toBe('Send to prod'));
    await user.selectOptions(screen.getByTestId('request-method'), 'POST');
    await user.click(send);
    const dialog = screen.getByRole('alertdialog');
    expect(dialog.textContent).toContain('Send POST to prod?');
    await user.click(within(dialog).getByRole('button', { name: "Don't send" }));
    expect(backend.argsOf('send_request')).toEqual([]);

    await user.click(screen.getByTestId('send'));
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Send to prod' }));
    await waitFor(() => expect(backend.argsOf('send_request')).toHaveLength(1));
    expect(screen.queryByRole('alertdialog'), 'asked once for the request').toBeNull();

    await user.selectOptions(screen.getByTestId('request-method'), 'GET');
    await user.click(screen.getByTestId('send'));
    await waitFor(() => expect(backend.argsOf('send_request')).toHaveLength(2));
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });
});
