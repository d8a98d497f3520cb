// The editor in its panel: the self-signed certificate's file input takes no place in the
// layout (it made the whole window scroll on both axes), and focus never rests under the
// sticky footer or the sticky Settings / Requests tabs. jsdom has no layout, so the rectangles
// a browser would measure are given to the elements.
import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, test, vi } from 'vitest';
import { mockBackend } from '../test/backend';
import { renderEditor } from '../test/editor';
import { DatasourceEditor } from './DatasourceEditor';

function rect(top: number, bottom: number): DOMRect {
  return { top, bottom, left: 0, right: 800, width: 800, height: bottom - top, x: 0, y: top, toJSON: () => ({}) };
}

async function renderInPanel() {
  const user = userEvent.setup();
  render(
    <main className="panel" data-testid="panel">
      <div className="tabs" data-testid="tabs" />
      <DatasourceEditor
        datasourceId={null}
        summary={null}
        now={0}
        active
        onSaved={vi.fn()}
        onChanged={vi.fn()}
        onDirtyChange={vi.fn()}
        onDeleted={vi.fn()}
      />
    </main>,
  );
  await screen.findByLabelText('Name');
  const panel = screen.getByTestId('panel');
  const footer = document.querySelector('.editor-bottom') as HTMLElement;
  vi.spyOn(panel, 'getBoundingClientRect').mockReturnValue(rect(0, 600));
  vi.spyOn(screen.getByTestId('tabs'), 'getBoundingClientRect').mockReturnValue(rect(0, 40));
  vi.spyOn(footer, 'getBoundingClientRect').mockReturnValue(rect(530, 600));
  return { user, panel };
}

describe('the self-signed certificate', () => {
  test('has no file input in the layout; Load from a file… opens it', async () => {
    mockBackend();
    const { user } = await renderEditor();
    await user.click(screen.getByLabelText('Use self-signed certificate'));
    const input = document.getElementById('ds-certificate-file') as HTMLInputElement;
    expect(input.hidden, 'a hidden input has no box to scroll to').toBe(true);
    expect(input.tabIndex).toBe(-1);
    const opened = vi.spyOn(input, 'click').mockImplementation(() => undefined);
    await user.click(screen.getByRole('button', { name: 'Load from a file…' }));
    expect(opened).toHaveBeenCalledTimes(1);
  });

  test('a file picked through it fills the certificate', async () => {
    mockBackend();
    const { user } = await renderEditor();
    await user.click(screen.getByLabelText('Use self-signed certificate'));
    const input = document.getElementById('ds-certificate-file') as HTMLInputElement;
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    await userEvent
      .setup({ applyAccept: false })
      .upload(input, new File([pem], 'ca.pem', { type: 'application/x-pem-file' }));
    await vi.waitFor(() => expect((screen.getByLabelText('Certificate (PEM)') as HTMLTextAreaElement).value).toBe(pem));
  });
});

describe('focus and the sticky parts', () => {
  test('a field focused under the footer (Tab) is scrolled above it', async () => {
    mockBackend();
    const { panel } = await renderInPanel();
    const url = screen.getByLabelText('URL');
    vi.spyOn(url, 'getBoundingClientRect').mockReturnValue(rect(550, 586));
    act(() => url.focus());
    expect(panel.scrollTop, 'scrolled by how far the field reaches under the footer, plus a margin').toBe(
      586 - 530 + 12,
    );
  });

  test('a field focused under the tabs is scrolled below them', async () => {
    mockBackend();
    const { panel } = await renderInPanel();
    panel.scrollTop = 300;
    const name = screen.getByLabelText('Name');
    vi.spyOn(name, 'getBoundingClientRect').mockReturnValue(rect(10, 46));
    act(() => name.focus());
    expect(panel.scrollTop).toBe(300 - (40 + 12 - 10));
  });

  test('a field in view is left where it is', async () => {
    mockBackend();
    const { panel } = await renderInPanel();
    panel.scrollTop = 100;
    const url = screen.getByLabelText('URL');
    vi.spyOn(url, 'getBoundingClientRect').mockReturnValue(rect(200, 236));
    act(() => url.focus());
    expect(panel.scrollTop).toBe(100);
  });

  test('a click near the footer does not scroll, so the click is not lost', async () => {
    mockBackend();
    const { user, panel } = await renderInPanel();
    const box = screen.getByLabelText('Send signature header');
    vi.spyOn(box, 'getBoundingClientRect').mockReturnValue(rect(518, 534));
    await user.click(box);
    expect(panel.scrollTop, 'what is clicked is in view').toBe(0);
    expect((box as HTMLInputElement).checked).toBe(true);
  });
});
