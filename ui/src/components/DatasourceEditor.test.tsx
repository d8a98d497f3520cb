// Validation display in the datasource editor: when Save is rejected with an ErrorPayload, each
// field error appears under its field (data-testid field-error, data-field = its path), errors
// of fields not on screen go to the form-level error, row paths are mapped to the rows on
// screen, and problems the form can tell by itself stop the save before it is sent.
import { screen, waitFor, within } from '@testing-library/react';
import type { UserEvent } from '@testing-library/user-event';
import { describe, expect, test } from 'vitest';
import type { DatasourceConfig } from '../bindings/DatasourceConfig';
import type { ErrorPayload } from '../bindings/ErrorPayload';
import { invalidInput, mockBackend, savedDatasource } from '../test/backend';
import { renderEditor } from '../test/editor';

/** The field errors shown for `path`. */
function errorsFor(path: string): HTMLElement[] {
  return screen.queryAllByTestId('field-error').filter((element) => element.dataset.field === path);
}

/** The block of the control labelled `label`: its label, input, hint and errors. */
function fieldOf(label: string): HTMLElement {
  return screen.getByLabelText(label).closest('.field') as HTMLElement;
}

/** A backend whose save_datasource rejects with `error` (or a string, as Tauri itself may). */
function rejectingSave(error: ErrorPayload | string) {
  return mockBackend({
    save_datasource: () => {
      throw error;
    },
  });
}

async function save(user: UserEvent) {
  await user.click(screen.getByRole('button', { name: 'Save' }));
}

describe('errors from the core', () => {
  test('a field error appears under its field and marks the input invalid', async () => {
    rejectingSave(
      invalidInput('url: not an absolute URL', [{ field: 'url', message: 'not an absolute URL: enter the base URL' }]),
    );
    const { user } = await renderEditor();
    await user.type(screen.getByLabelText('URL'), 'api.example.com');
    await save(user);

    const [error] = await waitFor(() => {
      const shown = errorsFor('url');
      expect(shown).toHaveLength(1);
      return shown;
    });
    expect(error.textContent).toBe('not an absolute URL: enter the base URL');
    expect(fieldOf('URL').contains(error)).toBe(true);
    const input = screen.getByLabelText('URL');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(input.getAttribute('aria-describedby')).toContain('ds-url-error');
    expect(screen.getByLabelText('Name').getAttribute('aria-invalid')).toBeNull();
  });

  test('several errors each go under their own field, and the form names them by their labels', async () => {
    rejectingSave(
      invalidInput('3 problems', [
        { field: 'name', message: 'give the datasource a name' },
        { field: 'auth.accessTokenUrl', message: "enter the provider's Access Token URL, an absolute https URL" },
        { field: 'auth.clientId', message: 'enter the Client ID your provider gave you' },
      ]),
    );
    const { user } = await renderEditor();
    await user.selectOptions(screen.getByLabelText('Authentication type'), 'OAuth 2.0');
    await save(user);

    const formError = await screen.findByTestId('form-error');
    expect(formError.textContent, 'the banner speaks labels, not paths').toContain(
      'Name, Access token URL and Client ID need attention.',
    );
    expect(formError.textContent).not.toMatch(/auth\./);
    expect(within(fieldOf('Name')).getByTestId('field-error').textContent).toBe('give the datasource a name');
    expect(within(fieldOf('Access token URL')).getByTestId('field-error').textContent).toMatch(/Access Token URL/);
    expect(within(fieldOf('Client ID')).getByTestId('field-error').textContent).toBe(
      'enter the Client ID your provider gave you',
    );
    expect(screen.getAllByTestId('field-error')).toHaveLength(3);
  });

  test('an error of a field that is not on screen is listed in the form-level error', async () => {
    rejectingSave(
      invalidInput('1 problem', [{ field: 'auth.authorizationUrl', message: 'enter the Authorization URL' }]),
    );
    const { user } = await renderEditor();
    await user.selectOptions(screen.getByLabelText('Authentication type'), 'OAuth 2.0');
    await user.selectOptions(screen.getByLabelText('Grant type'), 'Client Credentials');
    await save(user);

    const formError = await screen.findByTestId('form-error');
    expect(within(formError).getByRole('listitem').textContent).toBe('Authorization URL: enter the Authorization URL');
    expect(screen.queryAllByTestId('field-error')).toEqual([]);
  });

  test('a row error goes under the row on screen, blank rows not counted', async () => {
    const backend = rejectingSave(
      invalidInput('1 problem', [{ field: 'headers[1].key', message: 'a header needs a name' }]),
    );
    const { user } = await renderEditor();
    const add = screen.getByRole('button', { name: '+ Add header' });
    await user.click(add);
    await user.click(add);
    await user.click(add);
    await user.type(screen.getByLabelText('Headers 1 key'), 'Accept');
    await user.type(screen.getByLabelText('Headers 1 value'), 'text/plain');
    await user.type(screen.getByLabelText('Headers 3 value'), 'orphan');
    await save(user);

    const [error] = await waitFor(() => {
      const shown = errorsFor('headers[2].key');
      expect(shown).toHaveLength(1);
      return shown;
    });
    const config = backend.argsOf('save_datasource')[0].config as DatasourceConfig;
    expect(config.headers).toEqual([
      { key: 'Accept', value: 'text/plain' },
      { key: '', value: 'orphan' },
    ]);
    const thirdRow = screen.getByLabelText('Headers 3 key').closest('.row') as HTMLElement;
    expect(thirdRow.contains(error)).toBe(true);
    expect(screen.getByLabelText('Headers 3 key').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByLabelText('Headers 2 key').getAttribute('aria-invalid')).toBeNull();
  });

  test('a rejection that names only `field` shows its message under that field', async () => {
    rejectingSave({
      code: 'invalid_input',
      message: 'give the datasource a name',
      field: 'name',
      fields: [],
      provider: null,
    });
    const { user } = await renderEditor();
    await save(user);
    await waitFor(() => expect(errorsFor('name').map((e) => e.textContent)).toEqual(['give the datasource a name']));
  });

  test('an error in Advanced settings opens them to show it', async () => {
    rejectingSave(
      invalidInput('1 problem', [
        { field: 'auth.issuer', message: "enter the provider's Issuer, an absolute https URL" },
      ]),
    );
    const { user } = await renderEditor();
    await user.selectOptions(screen.getByLabelText('Authentication type'), 'OAuth 2.0');
    expect(screen.queryByLabelText('Issuer')).toBeNull();
    await save(user);

    const issuer = await screen.findByLabelText('Issuer');
    expect((issuer.closest('details') as HTMLDetailsElement).open).toBe(true);
    expect(within(issuer.closest('.field') as HTMLElement).getByTestId('field-error').textContent).toMatch(/Issuer/);
  });

  test('a failure that is not about fields shows the form-level error only', async () => {
    rejectingSave('command save_datasource failed: the vault is locked');
    const { user } = await renderEditor();
    await save(user);

    const formError = await screen.findByTestId('form-error');
    expect(formError.getAttribute('role')).toBe('alert');
    expect(formError.textContent).toBe('command save_datasource failed: the vault is locked');
    expect(screen.queryAllByTestId('field-error')).toEqual([]);
  });

  test('a successful save clears the errors', async () => {
    let attempts = 0;
    mockBackend({
      save_datasource: (args) => {
        attempts += 1;
        if (attempts === 1) throw invalidInput('1 problem', [{ field: 'name', message: 'give the datasource a name' }]);
        return savedDatasource('ds-1', args.config as DatasourceConfig);
      },
    });
    const { user, props } = await renderEditor();
    await save(user);
    await waitFor(() => expect(errorsFor('name')).toHaveLength(1));

    await user.type(screen.getByLabelText('Name'), 'Example');
    await save(user);
    await waitFor(() => expect(props.onSaved).toHaveBeenCalledTimes(1));
    expect(screen.queryAllByTestId('field-error')).toEqual([]);
    expect(screen.queryByTestId('form-error')).toBeNull();
  });
});

describe('after a rejected save', () => {
  test('the first field with an error in the form is focused and scrolled into view, even at the bottom', async () => {
    rejectingSave(
      invalidInput('2 problems', [
        { field: 'auth.revocationUrl', message: 'not a URL: enter an absolute https URL' },
        { field: 'auth.clientId', message: 'enter the Client ID your provider gave you' },
      ]),
    );
    const scrolled: Element[] = [];
    const original = Element.prototype.scrollIntoView;
    Element.prototype.scrollIntoView = function (this: Element) {
      scrolled.push(this);
    };
    try {
      const { user } = await renderEditor();
      await user.selectOptions(screen.getByLabelText('Authentication type'), 'OAuth 2.0');
      await save(user);
      const clientId = screen.getByLabelText('Client ID');
      await waitFor(() =>
        expect(document.activeElement, 'the first error in the form, not the first reported').toBe(clientId),
      );
      expect(scrolled).toContain(clientId);
    } finally {
      Element.prototype.scrollIntoView = original;
    }
  });

  test('an error without a field focuses the banner', async () => {
    rejectingSave('command save_datasource failed: the vault is locked');
    const { user } = await renderEditor();
    await save(user);
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('form-error')));
  });

  test("a field's error goes as soon as the field is changed, and the banner with the last one", async () => {
    rejectingSave(
      invalidInput('2 problems', [
        { field: 'name', message: 'give the datasource a name' },
        { field: 'url', message: 'not an absolute URL: enter the base URL' },
      ]),
    );
    const { user } = await renderEditor();
    await save(user);
    await waitFor(() => expect(errorsFor('url')).toHaveLength(1));
    expect(screen.getByTestId('form-error').textContent).toBe('Name and URL need attention.');

    await user.type(screen.getByLabelText('Name'), 'Example');
    expect(errorsFor('name'), 'the fixed field has no error').toEqual([]);
    expect(screen.getByLabelText('Name').getAttribute('aria-invalid')).toBeNull();
    expect(errorsFor('url'), 'the other one stays').toHaveLength(1);
    expect(screen.getByTestId('form-error').textContent).toBe('URL needs attention.');

    await user.type(screen.getByLabelText('URL'), 'https://api.example.com');
    expect(screen.queryAllByTestId('field-error')).toEqual([]);
    expect(screen.queryByTestId('form-error'), 'nothing left to attend to').toBeNull();
  });

  test('Advanced settings opened for an error stay open while the field is fixed', async () => {
    rejectingSave(invalidInput('1 problem', [{ field: 'auth.issuer', message: "enter the provider's Issuer" }]));
    const { user } = await renderEditor();
    await user.selectOptions(screen.getByLabelText('Authentication type'), 'OAuth 2.0');
    await save(user);
    const issuer = await screen.findByLabelText('Issuer');
    await user.type(issuer, 'https://id.example.com');
    expect(errorsFor('auth.issuer')).toEqual([]);
    expect(screen.getByLabelText('Issuer'), 'the field is still there, with what was typed').toHaveProperty(
      'value',
      'https://id.example.com',
    );
    expect(document.activeElement).toBe(screen.getByLabelText('Issuer'));
  });

  test('a row error goes when its row is edited', async () => {
    rejectingSave(invalidInput('1 problem', [{ field: 'headers[0].key', message: 'a header needs a name' }]));
    const { user } = await renderEditor();
    await user.click(screen.getByRole('button', { name: '+ Add header' }));
    await user.type(screen.getByLabelText('Headers 1 value'), 'x');
    await save(user);
    await waitFor(() => expect(errorsFor('headers[0].key')).toHaveLength(1));
    expect(screen.getByTestId('form-error').textContent).toBe('Headers row 1 name needs attention.');
    await user.type(screen.getByLabelText('Headers 1 key'), 'Accept');
    expect(errorsFor('headers[0].key')).toEqual([]);
  });
});

describe('problems found before saving', () => {
  test('a loopback port that is not a port is shown under the field and nothing is sent', async () => {
    const backend = mockBackend();
    const { user } = await renderEditor();
    await user.selectOptions(screen.getByLabelText('Authentication type'), 'OAuth 2.0');
    await user.click(screen.getByText('Advanced settings'));
    const port = screen.getByLabelText('Loopback port');
    await user.clear(port);
    await user.type(port, '70000');
    await save(user);

    expect(errorsFor('auth.loopbackPort').map((e) => e.textContent)).toEqual([
      'enter a port from 1 to 65535, or 0 for any free port',
    ]);
    expect(fieldOf('Loopback port').contains(errorsFor('auth.loopbackPort')[0])).toBe(true);
    expect(screen.getByTestId('form-error').textContent).toBe('Loopback port needs attention.');
    expect(backend.argsOf('save_datasource')).toEqual([]);
  });
});

describe('keyboard', () => {
  test('Ctrl+S saves the datasource', async () => {
    const backend = mockBackend({
      save_datasource: (args) => savedDatasource('ds_1', args.config as DatasourceConfig),
    });
    const { user } = await renderEditor();
    await user.type(screen.getByLabelText('Name'), 'Keyboard');
    await user.type(screen.getByLabelText('URL'), 'https://api.example.com');
    await user.keyboard('{Control>}s{/Control}');
    await waitFor(() => expect(backend.argsOf('save_datasource')).toHaveLength(1));
    expect((backend.argsOf('save_datasource')[0].config as DatasourceConfig).name).toBe('Keyboard');
  });
});
