// The main window at start-up: the list and the store's notices asked for before React started
// are shown by the first render without asking again; without them, App asks once on mount.
// Leaving a saved request with edits asks first; release builds keep the webview's menu to text.
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, test } from 'vitest';
import { App } from './App';
import type { DatasourceSummary } from './bindings/DatasourceSummary';
import { requestStartup } from './startup';
import { datasource, mockBackend } from './test/backend';

// `as`: the summary gains fields (tokenRefreshFailing) while the token panel lands.
const summary = {
  id: 'ds_1',
  name: 'Orders API',
  url: 'https://orders.example.com',
  authType: 'bearer',
  createdAt: 0,
  updatedAt: 0,
  tokenStatus: null,
  tokenExpiresAt: null,
  tokenRefreshFailing: false,
} as DatasourceSummary;

const names = () =>
  screen.queryAllByTestId('datasource-item').map((el) => el.querySelector('.datasource-name')?.textContent);

describe('App start-up', () => {
  test('answers already in: the first render shows the list and the notice, nothing is asked again', async () => {
    const backend = mockBackend({
      list_datasources: () => [summary],
      store_notices: () => ['The vault key is kept in a file'],
    });
    const startup = requestStartup();
    await startup.answered;
    render(<App startup={startup} />);
    expect(names()).toEqual(['Orders API']);
    expect(screen.getByTestId('notice').textContent).toContain('The vault key is kept in a file');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(backend.argsOf('list_datasources'), 'the list is asked for once, before React').toHaveLength(1);
    expect(backend.argsOf('store_notices'), 'the notices are asked for once, before React').toHaveLength(1);
  });

  test('answers still out: Loading… until they come in', async () => {
    let answer: (items: DatasourceSummary[]) => void = () => {};
    mockBackend({ list_datasources: () => new Promise<DatasourceSummary[]>((resolve) => (answer = resolve)) });
    render(<App startup={requestStartup()} />);
    expect(screen.getByText('Loading…')).toBeTruthy();
    answer([summary]);
    expect(await screen.findByText('Orders API')).toBeTruthy();
    expect(screen.queryByText('Loading…')).toBeNull();
  });

  test('without start-up calls App asks on mount; a failed list shows its error', async () => {
    const failed = () => {
      throw { code: 'storage', message: 'the store could not be opened', field: null, fields: [], provider: null };
    };
    const backend = mockBackend({ list_datasources: failed, store_notices: failed });
    render(<App />);
    expect((await screen.findByRole('alert')).textContent).toBe('the store could not be opened');
    expect(backend.argsOf('list_datasources')).toHaveLength(1);
    expect(screen.queryByTestId('notice'), 'no notices beside a store error').toBeNull();
  });
});

describe('leaving a saved request with edits', () => {
  test('another datasource asks first, and Keep editing keeps the edits', async () => {
    const other: DatasourceSummary = {
      ...summary,
      id: 'ds_2',
      name: 'Billing API',
      url: 'https://billing.example.com',
    };
    const query = {
      id: 'q_1',
      datasourceId: 'ds_1',
      name: 'List orders',
      createdAt: 0,
      updatedAt: 0,
      method: 'GET',
      path: '/orders',
      headers: [],
      queryParams: [],
      body: { type: 'none' },
    };
    mockBackend({
      list_datasources: () => [summary, other],
      get_datasource: (args) =>
        datasource({ id: args.id as string, url: 'https://orders.example.com', auth: { type: 'none' } }),
      list_queries: () => [query],
    });
    const user = userEvent.setup();
    render(<App />);
    await user.click(await screen.findByText('Orders API'));
    await user.click(screen.getByTestId('tab-requests'));
    await user.click(await screen.findByRole('button', { name: /^GET\s*List orders$/ }));
    await user.type(screen.getByLabelText('Path'), '/mine');
    expect(screen.getByTestId('request-unsaved')).toBeTruthy();

    await user.click(screen.getByText('Billing API'));
    const dialog = screen.getByRole('alertdialog');
    expect(dialog.textContent).toContain('The open saved request has changes that are not saved');
    await user.click(within(dialog).getByRole('button', { name: 'Keep editing' }));
    expect(screen.getByLabelText<HTMLInputElement>('Path').value).toBe('/orders/mine');

    await user.click(screen.getByText('Billing API'));
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Discard changes' }));
    await waitFor(() =>
      expect(screen.getByText('Billing API').closest('button')?.getAttribute('aria-current')).toBe('true'),
    );
  });
});

describe('the webview context menu', () => {
  test('release builds stop it outside text, and keep it in fields; dev builds keep it', async () => {
    mockBackend({ list_datasources: () => [] });
    const { unmount } = render(<App browserMenu={false} />);
    await screen.findByText('No datasources yet');
    const menu = (target: Element) => !fireEvent.contextMenu(target);
    expect(menu(screen.getByText('No datasources yet')), 'Back / Reload / Inspect outside text').toBe(true);
    expect(menu(screen.getByPlaceholderText('Search datasources')), 'Cut / Copy / Paste in a field').toBe(false);
    unmount();

    render(<App browserMenu />);
    await screen.findByText('No datasources yet');
    expect(menu(screen.getByText('No datasources yet'))).toBe(false);
  });
});

describe('importing', () => {
  test('Import… opens the dialog, an empty plan cannot be imported, Cancel closes it, Ctrl+I opens it afresh', async () => {
    const imported: DatasourceSummary = { ...summary, id: 'ds_9', name: 'Asana', needsSetup: ['auth.token'] };
    let stored: DatasourceSummary[] = [];
    mockBackend({
      list_datasources: () => stored,
      get_datasource: (args) => datasource({ id: args.id as string, name: 'Asana', auth: { type: 'none' } }),
      plan_import: () => ({
        plan: { source: 'pasted text', format: 'openapi', datasources: [], environments: [], dropped: [] },
        fingerprint: 'fp',
      }),
      apply_import: () => {
        stored = [imported];
        return {
          datasources: [
            {
              id: 'ds_9',
              name: 'Asana',
              action: 'create',
              queries: 3,
              needsSetup: ['auth.token'],
              tokensDropped: null,
            },
          ],
          environments: [],
        };
      },
    });
    const user = userEvent.setup();
    render(<App />);
    await screen.findByText('No datasources yet');
    await user.click(screen.getByTestId('import-open'));
    await user.click(screen.getByTestId('import-text'));
    await user.paste('openapi: 3.1.0');
    await user.click(screen.getByTestId('import-review'));
    // An empty plan cannot be imported; this one stands in for the core's.
    expect(await screen.findByTestId('import-plan')).toBeTruthy();
    expect(screen.getByTestId<HTMLButtonElement>('import-apply').disabled).toBe(true);
    await user.click(screen.getByTestId('import-cancel'));
    expect(screen.queryByTestId('import-view')).toBeNull();

    await user.keyboard('{Control>}i{/Control}');
    expect(screen.getByTestId('import-view'), 'Ctrl+I opens it').toBeTruthy();
    expect(screen.getByTestId<HTMLTextAreaElement>('import-text').value, 'a fresh dialog').toBe('');
  });

  test('after an import the first datasource opens, with Needs setup in the list and in the editor', async () => {
    const imported: DatasourceSummary = { ...summary, id: 'ds_9', name: 'Asana', needsSetup: ['auth.token'] };
    let stored: DatasourceSummary[] = [];
    mockBackend({
      list_datasources: () => stored,
      get_datasource: (args) => datasource({ id: args.id as string, name: 'Asana', auth: { type: 'none' } }),
      plan_import: () => ({
        plan: {
          source: 'pasted text',
          format: 'openapi',
          datasources: [
            {
              action: 'create',
              existingId: null,
              config: { name: 'Asana', url: 'https://app.asana.com/api/1.0', auth: { type: 'bearer', token: null } },
              setsAuth: false,
              queries: [],
              authMapping: 'bearer',
              secrets: [],
              needsSetup: [{ field: 'auth.token', message: 'enter the bearer token' }],
              item: '/',
            },
          ],
          environments: [],
          dropped: [],
        },
        fingerprint: 'fp',
      }),
      apply_import: () => {
        stored = [imported];
        return {
          datasources: [
            {
              id: 'ds_9',
              name: 'Asana',
              action: 'create',
              queries: 3,
              needsSetup: ['auth.token'],
              tokensDropped: null,
            },
          ],
          environments: [],
        };
      },
    });
    const user = userEvent.setup();
    render(<App />);
    await screen.findByText('No datasources yet');
    await user.click(screen.getByTestId('import-open'));
    await user.click(screen.getByTestId('import-text'));
    await user.paste('openapi: 3.1.0');
    await user.click(screen.getByTestId('import-review'));
    await user.click(await screen.findByTestId('import-apply'));
    await waitFor(() => expect(names()).toEqual(['Asana']));
    expect(screen.getByTestId('needs-setup').textContent).toBe('Needs setup');
    expect(
      screen.getByText('Asana', { selector: '.datasource-name' }).closest('button')?.getAttribute('aria-current'),
    ).toBe('true');
    expect((await screen.findByTestId('editor-needs-setup')).textContent).toContain(
      'Needs setup: enter the bearer token',
    );
    expect(screen.getByTestId('notice').textContent).toContain('Imported Asana: 3 saved requests.');
  });
});
