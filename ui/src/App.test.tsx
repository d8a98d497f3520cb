// The main window at start-up: the list and the store's notices asked for before React started
// are shown by the first render without asking again; without them, App asks once on mount.
import { render, screen } from '@testing-library/react';
import { describe, expect, test } from 'vitest';
import { App } from './App';
import type { DatasourceSummary } from './bindings/DatasourceSummary';
import { requestStartup } from './startup';
import { mockBackend } from './test/backend';

const summary: DatasourceSummary = {
  id: 'ds_1',
  name: 'Orders API',
  url: 'https://orders.example.com',
  authType: 'bearer',
  createdAt: 0,
  updatedAt: 0,
  tokenStatus: null,
  tokenExpiresAt: null,
};

const names = () => screen.queryAllByTestId('datasource-item').map((el) => el.querySelector('.datasource-name')?.textContent);

describe('App start-up', () => {
  test('answers already in: the first render shows the list and the notice, nothing is asked again', async () => {
    const backend = mockBackend({ list_datasources: () => [summary], store_notices: () => ['The vault key is kept in a file'] });
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
