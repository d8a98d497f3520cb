// Renders the datasource editor as the App does, with spies for its callbacks.
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { vi } from 'vitest';
import { DatasourceEditor, type DatasourceEditorProps } from '../components/DatasourceEditor';

/** A new datasource (`null`) or a stored one, which is loaded first. */
export async function renderEditor(datasourceId: string | null = null) {
  const user = userEvent.setup();
  const props: DatasourceEditorProps = {
    datasourceId,
    summary: null,
    now: 1_700_000_000_000,
    active: true,
    onSaved: vi.fn(),
    onChanged: vi.fn(),
    onDirtyChange: vi.fn(),
    onDeleted: vi.fn(),
  };
  const view = render(<DatasourceEditor {...props} />);
  await screen.findByLabelText('Name');
  return { user, props, ...view };
}
