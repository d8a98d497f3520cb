// The datasource list: search filters it, and a list of thousands renders only the rows in view
// (and the rows further down once scrolled there), so the window stays responsive.
import { fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, test } from 'vitest';
import type { DatasourceSummary } from '../bindings/DatasourceSummary';
import { ROW_HEIGHT, Sidebar, VIRTUAL_FROM, visibleRange } from './Sidebar';

function summaries(count: number): DatasourceSummary[] {
  return Array.from(
    { length: count },
    (_, i) =>
      ({
        id: `ds_${i}`,
        name: `Datasource ${String(i).padStart(5, '0')}`,
        url: `https://api${i}.example.com`,
        authType: i % 4 === 0 ? 'oauth2' : 'bearer',
        createdAt: 0,
        updatedAt: 0,
        tokenStatus: i % 4 === 0 ? 'not_authorized' : null,
        tokenExpiresAt: null,
        tokenRefreshFailing: false,
      }) as DatasourceSummary,
  );
}

function renderList(items: DatasourceSummary[]) {
  return render(
    <Sidebar
      list={{ status: 'loaded', items }}
      selectedId={null}
      creating={false}
      now={0}
      onSelect={() => {}}
      onNew={() => {}}
    />,
  );
}

const names = () =>
  screen.queryAllByTestId('datasource-item').map((el) => el.querySelector('.datasource-name')?.textContent);

describe('Sidebar', () => {
  test('a short list shows every datasource', () => {
    renderList(summaries(12));
    expect(names()).toHaveLength(12);
  });

  test('10,000 datasources: only the rows in view are rendered, the rest after scrolling', () => {
    renderList(summaries(10_000));
    const first = names();
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThan(60);
    expect(first[0]).toBe('Datasource 00000');

    const scroller = screen.getByRole('navigation', { name: 'Datasources' });
    scroller.scrollTop = 5_000 * ROW_HEIGHT;
    fireEvent.scroll(scroller);
    const later = names();
    expect(later.length).toBeLessThan(60);
    expect(later).toContain('Datasource 05000');
    expect(later).not.toContain('Datasource 00000');
  });

  test('search narrows a long list to its matches', async () => {
    renderList(summaries(10_000));
    await userEvent.type(screen.getByRole('searchbox', { name: 'Search datasources' }), '09999');
    expect(names()).toEqual(['Datasource 09999']);
  });

  test('an imported datasource without its secret shows "Needs setup"', () => {
    const [ready, imported] = summaries(2);
    renderList([ready, { ...imported, needsSetup: ['auth.token'] }]);
    const badges = screen.getAllByTestId('needs-setup');
    expect(badges).toHaveLength(1);
    expect(badges[0].textContent).toBe('Needs setup');
    expect(badges[0].getAttribute('title')).toContain('auth.token');
  });

  test('the window of rows stays inside the list', () => {
    expect(visibleRange(VIRTUAL_FROM, 0, 600)).toEqual([0, Math.ceil(600 / ROW_HEIGHT) + 8]);
    const [first, last] = visibleRange(1_000, 999 * ROW_HEIGHT, 600);
    expect(last).toBe(1_000);
    expect(first).toBe(999 - 8);
  });
});
