// The Import dialog: pasted text or a picked file (by handle) is planned and the plan shown with
// every section before anything is stored; Import sends the same source and the plan's
// fingerprint, never a plan; a refusal names the file, item and field; Cancel while planning
// stops waiting; a large plan renders its queries collapsed, with counts.
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, test } from 'vitest';
import type { AppliedImport } from '../bindings/AppliedImport';
import type { ImportPlan } from '../bindings/ImportPlan';
import type { PlannedDatasource } from '../bindings/PlannedDatasource';
import type { PlannedQuery } from '../bindings/PlannedQuery';
import type { ReviewedImport } from '../bindings/ReviewedImport';
import { invalidInput, mockBackend, type Handler } from '../test/backend';
import { ImportPlanView } from './ImportPlanView';
import { ImportView } from './ImportView';

function query(name: string, group: string | null = null): PlannedQuery {
  const [method, path] = name.split(' ');
  return {
    name,
    group,
    item: `/paths/${path}`,
    request: { method, path, headers: [], queryParams: [], body: { type: 'none' } },
  } as PlannedQuery;
}

function planned(overrides: Partial<PlannedDatasource> = {}): PlannedDatasource {
  return {
    action: 'create',
    existingId: null,
    config: {
      name: 'api.github.com',
      url: 'https://api.github.com',
      auth: { type: 'bearer', token: { set: true } },
    } as PlannedDatasource['config'],
    setsAuth: true,
    queries: [query('GET /user')],
    authMapping: 'the Authorization: Bearer header became bearer token authentication',
    secrets: ['auth.token'],
    needsSetup: [],
    item: 'line 1',
    ...overrides,
  };
}

function plan(overrides: Partial<ImportPlan> = {}): ImportPlan {
  return {
    source: 'pasted text',
    format: 'curl',
    datasources: [planned()],
    environments: [],
    dropped: [],
    ...overrides,
  };
}

const APPLIED: AppliedImport = {
  datasources: [
    { id: 'ds_1', name: 'api.github.com', action: 'create', queries: 1, needsSetup: [], tokensDropped: null },
  ],
  environments: [],
};

function renderImport(handlers: Record<string, Handler> = {}, initialText = '') {
  const backend = mockBackend({
    plan_import: (): ReviewedImport => ({ plan: plan(), fingerprint: 'fp-1' }),
    apply_import: () => APPLIED,
    ...handlers,
  });
  const imported: AppliedImport[] = [];
  let closed = 0;
  const user = userEvent.setup();
  render(
    <ImportView
      initialText={initialText}
      onImported={(applied) => imported.push(applied)}
      onClose={() => (closed += 1)}
    />,
  );
  return { user, backend, imported, closed: () => closed };
}

describe('the Import dialog', () => {
  test('plans pasted text, shows the plan, and imports the same source with the fingerprint', async () => {
    const { user, backend, imported } = renderImport();
    expect(screen.getByTestId<HTMLButtonElement>('import-review').disabled, 'nothing to review yet').toBe(true);
    await user.click(screen.getByTestId('import-text'));
    await user.paste("curl https://api.github.com/user -H 'Authorization: Bearer ghp_x'");
    await user.selectOptions(screen.getByTestId('import-format'), 'curl');
    await user.click(screen.getByTestId('import-review'));
    await screen.findByTestId('import-plan');
    const source = { kind: 'text', text: "curl https://api.github.com/user -H 'Authorization: Bearer ghp_x'" };
    expect(backend.argsOf('plan_import')).toEqual([{ source, format: 'curl' }]);
    expect(backend.argsOf('apply_import'), 'nothing is stored on review').toEqual([]);
    expect(screen.getByTestId('import-secrets').textContent).toBe(
      '1 secret sealed on import (auth.token), never shown.',
    );

    await user.click(screen.getByTestId('import-apply'));
    await waitFor(() => expect(imported).toEqual([APPLIED]));
    expect(backend.argsOf('apply_import'), 'the source again, not a plan').toEqual([
      { source, format: 'curl', fingerprint: 'fp-1' },
    ]);
  });

  test('a file is chosen by a handle from the Rust side, and Detect sends no format', async () => {
    const { user, backend } = renderImport({
      pick_import_file: () => ({ handle: 'file_1', path: '/home/me/asana.json' }),
    });
    await user.click(screen.getByTestId('import-mode-file'));
    await user.click(screen.getByTestId('import-choose-file'));
    expect((await screen.findByTestId('import-file-path')).textContent).toBe('/home/me/asana.json');
    await user.click(screen.getByTestId('import-review'));
    await screen.findByTestId('import-plan');
    expect(backend.argsOf('plan_import')).toEqual([{ source: { kind: 'file', handle: 'file_1' }, format: null }]);
  });

  test('a refusal lists each error with the file, item and field, and nothing is stored', async () => {
    const error = invalidInput('cmds.sh, line 3: headers[0].key: not a valid header name', [
      { field: 'cmds.sh, line 3: headers[0].key', message: 'not a valid header name: remove the line' },
    ]);
    const { user, backend } = renderImport(
      {
        plan_import: () => {
          throw error;
        },
      },
      'curl https://a.example -H "bad header: 1"',
    );
    await user.click(screen.getByTestId('import-review'));
    const alert = await screen.findByTestId('import-error');
    expect(alert.textContent).toContain('nothing was stored');
    expect(within(alert).getByRole('listitem').textContent).toBe(
      'cmds.sh, line 3: headers[0].key: not a valid header name: remove the line',
    );
    expect(screen.queryByTestId('import-plan')).toBeNull();
    expect(backend.argsOf('apply_import')).toEqual([]);
  });

  test('an import refused at apply keeps the plan on screen with the reason', async () => {
    const { user, imported } = renderImport(
      {
        apply_import: () => {
          throw invalidInput('source: changed', [
            { field: 'source', message: 'the import changed since it was reviewed: review it again' },
          ]);
        },
      },
      'curl https://api.github.com/user',
    );
    await user.click(screen.getByTestId('import-review'));
    await user.click(await screen.findByTestId('import-apply'));
    expect((await screen.findByTestId('import-error')).textContent).toContain('review it again');
    expect(screen.getByTestId('import-plan')).toBeTruthy();
    expect(imported).toEqual([]);
  });

  test('Escape closes the dialog, but not while the import is being stored', async () => {
    let store: (value: AppliedImport) => void = () => undefined;
    const { user, closed, imported } = renderImport(
      { apply_import: () => new Promise<AppliedImport>((resolve) => (store = resolve)) },
      'curl https://api.github.com/user',
    );
    await user.keyboard('{Escape}');
    expect(closed(), 'Escape closes').toBe(1);
    await user.click(screen.getByTestId('import-review'));
    await user.click(await screen.findByTestId('import-apply'));
    await user.keyboard('{Escape}');
    expect(closed(), 'storing: Escape waits for it').toBe(1);
    store(APPLIED);
    await waitFor(() => expect(imported).toEqual([APPLIED]));
  });

  test('Cancel while planning stops waiting, and the late plan is not shown', async () => {
    let answer: (value: ReviewedImport) => void = () => undefined;
    const { user } = renderImport(
      { plan_import: () => new Promise<ReviewedImport>((resolve) => (answer = resolve)) },
      'curl https://a.example/',
    );
    await user.click(screen.getByTestId('import-review'));
    expect((await screen.findByTestId('import-planning')).textContent).toContain('Reading the input');
    await user.click(screen.getByTestId('import-cancel'));
    answer({ plan: plan(), fingerprint: 'late' });
    await waitFor(() => expect(screen.queryByTestId('import-planning')).toBeNull());
    expect(screen.queryByTestId('import-plan')).toBeNull();
    expect(screen.getByTestId<HTMLTextAreaElement>('import-text').value, 'the input stays').toBe(
      'curl https://a.example/',
    );
  });
});

describe('a plan', () => {
  test('shows every section: datasources, auth, secrets, needs setup, environments, groups, dropped', async () => {
    const user = userEvent.setup();
    render(
      <ImportPlanView
        plan={plan({
          source: 'asana.json',
          format: 'openapi',
          datasources: [
            planned({
              config: { name: 'Asana', url: 'https://app.asana.com/api/1.0', auth: { type: 'oauth2' } } as never,
              secrets: [],
              needsSetup: [
                { field: 'auth.clientId', message: 'enter the Client ID' },
                { field: 'auth.clientSecret', message: 'enter the Client Secret' },
              ],
              authMapping: 'oauth2 authorizationCode of the scheme oauth2',
              queries: [
                query('GET /tasks', 'Tasks'),
                query('GET /projects', 'Projects'),
                query('POST /tasks', 'Tasks'),
              ],
            }),
            planned({
              action: 'join',
              config: { name: 'Mine', url: 'https://a.example', auth: { type: 'none' } } as never,
            }),
          ],
          environments: [
            {
              item: '/servers/0/variables',
              config: { name: 'Asana', production: false, variables: [{ key: 'host', value: 'app', secret: false }] },
            } as never,
          ],
          dropped: [{ item: '/servers/1', what: 'server https://b.example', reason: 'one server per datasource' }],
        })}
      />,
    );
    expect(screen.getByTestId('import-summary').textContent).toBe(
      'asana.json (openapi): 2 datasources, 1 environment, 4 queries, 1 secret sealed, 2 still to enter, 1 dropped.',
    );
    const [asana, joined] = screen.getAllByTestId('import-datasource');
    expect(within(asana).getByTestId('import-action').textContent).toBe('New');
    expect(within(joined).getByTestId('import-action').textContent).toBe('Joins existing');
    expect(asana.textContent).toContain('https://app.asana.com/api/1.0');
    expect(asana.textContent).toContain('OAuth 2.0: oauth2 authorizationCode of the scheme oauth2');
    expect(within(asana).getByTestId('import-needs-setup').textContent).toContain(
      'auth.clientSecret: enter the Client Secret',
    );
    expect(screen.getByTestId('import-environments').textContent).toContain('Asana 1 variable: host');
    expect(screen.getByTestId('import-dropped').textContent).toContain(
      'server https://b.example: one server per datasource',
    );

    const toggle = within(asana).getByTestId('import-queries-toggle');
    expect(toggle.textContent).toBe('3 saved queries in 2 groups');
    expect(within(asana).queryByText('GET /tasks'), 'collapsed queries are not rendered').toBeNull();
    await user.click(toggle);
    const groups = [...asana.querySelectorAll('.import-group')];
    expect(groups.map((g) => g.querySelector('summary')?.textContent)).toEqual(['Tasks (2)', 'Projects (1)']);
  });

  test('a plan of 800 queries renders collapsed, a page at a time, and many dropped items start closed', async () => {
    const user = userEvent.setup();
    const queries = Array.from({ length: 800 }, (_, i) => query(`GET /op${i}`));
    const dropped = Array.from({ length: 12 }, (_, i) => ({
      item: `line ${i}`,
      what: `-k ${i}`,
      reason: 'TLS stays on',
    }));
    render(<ImportPlanView plan={plan({ datasources: [planned({ queries })], dropped })} />);
    expect(document.querySelectorAll('.import-query-list li').length).toBe(0);
    expect(screen.getByTestId<HTMLDetailsElement>('import-dropped').open, 'twelve dropped: closed').toBe(false);
    await user.click(screen.getByTestId('import-queries-toggle'));
    expect(document.querySelectorAll('.import-query-list li').length, 'one page').toBe(100);
    await user.click(screen.getByRole('button', { name: 'Show all 800' }));
    expect(document.querySelectorAll('.import-query-list li').length).toBe(800);
  });
});
