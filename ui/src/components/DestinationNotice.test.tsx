// A secret follows its destination: before saving, the editor shows which saved secrets the
// change asks for again and whether the tokens will be dropped, as the core's
// check_destinations says; after a save that dropped tokens, it says so.
import { screen, waitFor } from '@testing-library/react';
import { describe, expect, test } from 'vitest';
import type { DatasourceConfig } from '../bindings/DatasourceConfig';
import type { DestinationCheck } from '../bindings/DestinationCheck';
import { datasource, mockBackend, savedDatasource } from '../test/backend';
import { renderEditor } from '../test/editor';

const stored = datasource({ url: 'https://api.github.com', auth: { type: 'bearer', token: { set: true } } });

describe('before saving a moved destination', () => {
  test('the saved secrets to enter again are listed, from the core', async () => {
    const moved: DestinationCheck = {
      movedSecrets: [
        {
          field: 'auth.token',
          message:
            'the URL moved to another origin (https://api.github.com → https://evil.example): enter the token again',
        },
      ],
      tokensDropped: null,
    };
    const backend = mockBackend({
      get_datasource: () => stored,
      check_destinations: (args) =>
        (args.config as DatasourceConfig).url.includes('evil') ? moved : { movedSecrets: [], tokensDropped: null },
    });
    const { user } = await renderEditor('ds-1');
    expect(screen.queryByTestId('destination-notice')).toBeNull();

    const url = screen.getByLabelText('URL');
    await user.clear(url);
    await user.type(url, 'https://evil.example');
    const item = await screen.findByTestId('moved-auth.token');
    expect(item.textContent).toContain('Bearer token');
    expect(item.textContent).toContain('enter the token again');
    expect(backend.argsOf('check_destinations').at(-1)?.id).toBe('ds-1');
    expect(backend.argsOf('save_datasource')).toEqual([]);

    await user.clear(url);
    await user.type(url, 'https://api.github.com/v3');
    await waitFor(() => expect(screen.queryByTestId('destination-notice')).toBeNull());
  });

  test('a new datasource is not checked', async () => {
    const backend = mockBackend({});
    const { user } = await renderEditor(null);
    await user.type(screen.getByLabelText('URL'), 'https://a.example');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(backend.argsOf('check_destinations')).toEqual([]);
  });
});

test('a save that dropped the tokens says so', async () => {
  const oauth = datasource({ name: 'Corp' });
  mockBackend({
    get_datasource: () => oauth,
    save_datasource: (args) =>
      savedDatasource('ds-1', args.config as DatasourceConfig, 'the URL moved to another origin'),
  });
  const { user } = await renderEditor('ds-1');
  await user.click(screen.getByRole('button', { name: 'Save' }));
  const dropped = await screen.findByTestId('tokens-dropped');
  expect(dropped.textContent).toContain('the URL moved to another origin');
  expect(dropped.textContent).toContain('authorize the datasource again');
});
