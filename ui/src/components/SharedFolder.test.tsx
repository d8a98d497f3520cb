// The shared folder: the review of an import (every section, the prune box, what is left to set
// up, refused files by file and field), the panel's import and export, and the banner that offers
// a review only once the folder's fingerprint differs from the last import's.
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, test, vi } from 'vitest';
import { App } from '../App';
import type { DatasourceSummary } from '../bindings/DatasourceSummary';
import type { DirPlan } from '../bindings/DirPlan';
import type { DirStatus } from '../bindings/DirStatus';
import { invalidInput, mockBackend } from '../test/backend';
import { FolderReview, SharedFolderPanel } from './SharedFolder';

function plan(overrides: Partial<DirPlan> = {}): DirPlan {
  return {
    dir: '/team/apis',
    prune: false,
    datasources: [
      {
        file: 'datasources/billing.json',
        id: 'ds_billing',
        name: 'Billing',
        previousName: null,
        action: 'create',
        queries: { created: ['List invoices'], updated: [], unchanged: 0 },
        secrets: ['auth.clientSecret'],
        kept: [],
        needsSetup: [{ field: 'auth.clientSecret', message: 'enter it here (this machine has no value)' }],
        tokensDropped: null,
      },
      {
        file: 'datasources/orders.json',
        id: 'ds_orders',
        name: 'Orders',
        previousName: 'Orders (old)',
        action: 'update',
        queries: { created: [], updated: ['Recent orders'], unchanged: 1 },
        secrets: ['auth.token'],
        kept: ['auth.token'],
        needsSetup: [],
        tokensDropped: null,
      },
      {
        file: 'datasources/github.json',
        id: 'ds_github',
        name: 'GitHub',
        previousName: null,
        action: 'unchanged',
        queries: { created: [], updated: [], unchanged: 2 },
        secrets: [],
        kept: [],
        needsSetup: [],
        tokensDropped: null,
      },
    ],
    environments: [
      {
        file: 'environments/staging.json',
        id: 'env_staging',
        name: 'staging',
        previousName: null,
        action: 'create',
        kept: [],
        needsSetup: ['API_KEY'],
        tokensDropped: [],
      },
    ],
    absent: [
      { kind: 'datasource', id: 'ds_legacy', name: 'Legacy', datasource: null },
      { kind: 'query', id: 'q_old', name: 'Old report', datasource: 'Orders' },
    ],
    fingerprint: 'fp-2',
    ...overrides,
  };
}

function status(overrides: Partial<DirStatus> = {}): DirStatus {
  return {
    fingerprint: 'fp-2',
    create: 2,
    update: 1,
    unchanged: 1,
    absent: 2,
    upToDate: false,
    plan: plan(),
    ...overrides,
  };
}

const section = (testId: string) => within(screen.getByTestId(testId));

describe('the review of a folder import', () => {
  test('shows what is created, updated, unchanged, not in the folder and left to set up', async () => {
    const onPrune = vi.fn();
    const { rerender } = render(<FolderReview status={status()} prune={false} onPrune={onPrune} />);
    expect(screen.getByTestId('folder-review-summary').textContent).toContain('An import creates 2 and updates 1.');
    expect(section('review-created').getByText('Billing')).toBeTruthy();
    expect(section('review-created').getByText('datasources/billing.json')).toBeTruthy();
    expect(section('review-created').getByText(/queries added: List invoices/)).toBeTruthy();
    expect(section('review-created').getByText('staging (environment)')).toBeTruthy();
    expect(section('review-updated').getByText('Orders')).toBeTruthy();
    expect(
      section('review-updated').getByText(/renamed from Orders \(old\); queries changed: Recent orders/),
    ).toBeTruthy();
    expect(section('review-unchanged').getByText('GitHub')).toBeTruthy();
    expect(screen.getByTestId('review-absent').textContent).toContain('Not in the folder, kept');
    expect(section('review-absent').getByText('Legacy')).toBeTruthy();
    expect(section('review-absent').getByText('query of Orders')).toBeTruthy();
    const setup = screen.getByTestId('review-needs-setup');
    expect(setup.textContent).toContain('Billing: auth.clientSecret');
    expect(setup.textContent).toContain('staging (environment): API_KEY');

    const prune = screen.getByTestId<HTMLInputElement>('folder-prune');
    expect(prune.checked, 'nothing is deleted unless the box is ticked').toBe(false);
    await userEvent.click(prune);
    expect(onPrune).toHaveBeenCalledWith(true);
    rerender(<FolderReview status={status()} prune onPrune={onPrune} />);
    expect(screen.getByTestId('review-absent').textContent).toContain('Deleted (2)');
  });

  test('an up-to-date folder says so; the prune box is off when the vault has nothing more', () => {
    const same = plan({ datasources: [plan().datasources[2]], environments: [], absent: [] });
    render(
      <FolderReview
        status={status({ create: 0, update: 0, unchanged: 1, absent: 0, upToDate: true, plan: same })}
        prune={false}
        onPrune={() => {}}
      />,
    );
    expect(screen.getByTestId('folder-review-summary').textContent).toContain(
      'This vault has everything the folder has.',
    );
    expect(screen.queryByTestId('review-created')).toBeNull();
    expect(screen.queryByTestId('review-updated')).toBeNull();
    expect(screen.queryByTestId('review-absent')).toBeNull();
    expect(screen.queryByTestId('review-needs-setup')).toBeNull();
    expect(screen.getByTestId<HTMLInputElement>('folder-prune').disabled).toBe(true);
  });
});

describe('the shared folder panel', () => {
  const info = { folder: '/team/apis', lastFingerprint: 'fp-1' };

  test('imports after the review, with prune only when ticked, and reports what it did', async () => {
    const imported = plan({ prune: true });
    const backend = mockBackend({
      shared_folder_status: () => status(),
      import_shared_folder: () => imported,
    });
    const onInfo = vi.fn();
    const onImported = vi.fn();
    render(<SharedFolderPanel info={info} onInfo={onInfo} onImported={onImported} onClose={() => {}} />);
    expect(screen.getByTestId('shared-folder-path').textContent).toBe('/team/apis');
    await screen.findByTestId('folder-review');
    await userEvent.click(screen.getByTestId('folder-prune'));
    await userEvent.click(screen.getByTestId('shared-folder-import'));
    const result = await screen.findByTestId('shared-folder-result');
    expect(backend.argsOf('import_shared_folder')).toEqual([{ prune: true }]);
    expect(result.textContent).toContain('Imported: 1 datasource created, 1 updated, 2 deleted.');
    expect(result.textContent).toContain('Needs setup: Billing (auth.clientSecret); staging (environment) (API_KEY).');
    expect(onImported).toHaveBeenCalledWith(imported);
    expect(onInfo).toHaveBeenCalledWith({ folder: '/team/apis', lastFingerprint: 'fp-2' });
    expect(backend.argsOf('shared_folder_status'), 'the review is read again after the import').toHaveLength(2);
  });

  test('a refused folder lists each problem by file and field, and nothing can be imported', async () => {
    mockBackend({
      shared_folder_status: () => {
        throw invalidInput('the folder has problems', [
          { field: 'datasources/billing.json, /datasource/url', message: 'not a URL: use https://…' },
          { field: 'environments/a.json, /name', message: 'environments/b.json has the same name: rename one' },
        ]);
      },
    });
    render(<SharedFolderPanel info={info} onInfo={() => {}} onImported={() => {}} onClose={() => {}} />);
    const error = await screen.findByTestId('shared-folder-error');
    expect(error.textContent).toContain('datasources/billing.json, /datasource/url: not a URL: use https://…');
    expect(error.textContent).toContain('environments/a.json, /name: environments/b.json has the same name');
    expect(screen.getByTestId<HTMLButtonElement>('shared-folder-import').disabled).toBe(true);
  });

  test('an export over changes of the folder asks first; Choose… and Forget update the folder shown', async () => {
    const backend = mockBackend({
      shared_folder_status: () => status(),
      export_shared_folder: () => ({
        dir: '/team/apis',
        written: ['datasources/orders.json'],
        removed: [],
        unchanged: 3,
        fingerprint: 'fp-3',
      }),
      choose_shared_folder: () => ({ folder: '/team/other', lastFingerprint: null }),
      forget_shared_folder: () => ({ folder: null, lastFingerprint: null }),
    });
    const onInfo = vi.fn();
    render(<SharedFolderPanel info={info} onInfo={onInfo} onImported={() => {}} onClose={() => {}} />);
    await screen.findByTestId('folder-review');
    await userEvent.click(screen.getByTestId('shared-folder-export'));
    expect(screen.getByTestId('confirm-dialog').textContent).toContain('1 to update');
    expect(backend.argsOf('export_shared_folder'), 'nothing is written before the person agrees').toHaveLength(0);
    await userEvent.click(screen.getByText('Export anyway'));
    expect((await screen.findByTestId('shared-folder-result')).textContent).toContain(
      'Exported: 1 file written, 0 removed, 3 already up to date.',
    );
    expect(onInfo).toHaveBeenCalledWith({ folder: '/team/apis', lastFingerprint: 'fp-3' });

    await userEvent.click(screen.getByTestId('shared-folder-choose'));
    await waitFor(() => expect(onInfo).toHaveBeenCalledWith({ folder: '/team/other', lastFingerprint: null }));
    expect(backend.argsOf('choose_shared_folder')).toEqual([{ title: 'Choose the shared folder' }]);
    await userEvent.click(screen.getByTestId('shared-folder-forget'));
    await waitFor(() => expect(onInfo).toHaveBeenCalledWith({ folder: null, lastFingerprint: null }));
  });
});

describe('the offer to re-import', () => {
  const summary = (needsSetup: string[]) =>
    ({
      id: 'ds_billing',
      name: 'Billing',
      url: 'https://billing.example.com',
      authType: 'oauth2',
      createdAt: 0,
      updatedAt: 0,
      tokenStatus: null,
      tokenExpiresAt: null,
      tokenRefreshFailing: false,
      needsSetup,
    }) as DatasourceSummary;

  test('the banner appears once the fingerprint differs from the last import, and Review leads to the import', async () => {
    let fingerprint = 'fp-1';
    let listed: DatasourceSummary[] = [];
    const backend = mockBackend({
      list_datasources: () => listed,
      shared_folder: () => ({ folder: '/team/apis', lastFingerprint: 'fp-1' }),
      shared_folder_fingerprint: () => fingerprint,
      shared_folder_status: () => status({ fingerprint }),
      import_shared_folder: () => {
        listed = [summary(['auth.clientSecret'])];
        return plan();
      },
    });
    render(<App />);
    await waitFor(() => expect(backend.argsOf('shared_folder_fingerprint').length).toBeGreaterThan(0));
    await act(async () => {
      fireEvent.focus(window);
      await Promise.resolve();
    });
    expect(screen.queryByTestId('shared-folder-banner'), 'no banner while the folder is as last imported').toBeNull();
    expect(backend.argsOf('shared_folder_status'), 'an unchanged folder is not planned').toHaveLength(0);

    fingerprint = 'fp-2';
    fireEvent.focus(window);
    const banner = await screen.findByTestId('shared-folder-banner');
    expect(banner.textContent).toContain('The shared folder changed (2 to create, 1 to update) — Review');
    expect(backend.argsOf('import_shared_folder'), 'nothing is imported without a click').toHaveLength(0);

    await userEvent.click(screen.getByTestId('shared-folder-review'));
    expect(screen.queryByTestId('shared-folder-banner'), 'the panel replaces the banner').toBeNull();
    await screen.findByTestId('folder-review');
    await userEvent.click(screen.getByTestId('shared-folder-import'));
    await screen.findByTestId('shared-folder-result');
    expect(backend.argsOf('import_shared_folder')).toEqual([{ prune: false }]);
    expect(await screen.findByTestId('needs-setup'), 'the list is read again with the badge').toBeTruthy();
    await userEvent.click(screen.getByText('Close'));
    fireEvent.focus(window);
    await waitFor(() => expect(backend.argsOf('shared_folder_fingerprint').length).toBeGreaterThan(2));
    expect(screen.queryByTestId('shared-folder-banner'), 'the imported fingerprint is the new last one').toBeNull();
  });

  test('a dismissed change stays hidden until the files change again; a refused folder is offered too', async () => {
    let fingerprint = 'fp-2';
    let refused = false;
    mockBackend({
      list_datasources: () => [],
      shared_folder: () => ({ folder: '/team/apis', lastFingerprint: 'fp-1' }),
      shared_folder_fingerprint: () => fingerprint,
      shared_folder_status: () => {
        if (refused)
          throw invalidInput('the folder has problems', [{ field: 'datasources/x.json, /id', message: 'bad' }]);
        return status({ fingerprint });
      },
    });
    render(<App />);
    await screen.findByTestId('shared-folder-banner');
    await userEvent.click(within(screen.getByTestId('shared-folder-banner')).getByLabelText('Dismiss notice'));
    fireEvent.focus(window);
    await act(async () => {
      await Promise.resolve();
    });
    expect(screen.queryByTestId('shared-folder-banner'), 'dismissed for this fingerprint').toBeNull();

    fingerprint = 'fp-3';
    refused = true;
    fireEvent.focus(window);
    expect((await screen.findByTestId('shared-folder-banner')).textContent).toContain(
      'The shared folder changed, and cannot be imported as it is',
    );
  });
});
