// The response view's raw text: a long preview shows its first FIRST_TEXT_LIMIT characters
// until "Show all of it" is clicked; a short one is shown whole; a new response starts cut again.
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, test } from 'vitest';
import { response } from '../test/backend';
import { FIRST_TEXT_LIMIT, ResponseView } from './ResponseView';

function bodyText(): string {
  return document.querySelector('pre.body-text')?.textContent ?? '';
}

describe('ResponseView raw text', () => {
  test('a short body is shown whole, with no "show all"', () => {
    render(<ResponseView response={response({ text: 'hello' })} />);
    expect(bodyText()).toBe('hello');
    expect(screen.queryByTestId('more-text')).toBeNull();
  });

  test('a long preview is cut until asked, and a new response is cut again', async () => {
    const user = userEvent.setup();
    const long = 'a'.repeat(FIRST_TEXT_LIMIT) + 'THE-REST' + 'b'.repeat(1000);
    const { rerender } = render(
      <ResponseView response={response({ text: long, truncated: true, size: 50_000_000, bodyId: 'b1' })} />,
    );
    expect(bodyText()).toHaveLength(FIRST_TEXT_LIMIT);
    expect(bodyText()).not.toContain('THE-REST');
    expect(screen.getByTestId('more-text').textContent).toContain(`of ${long.length.toLocaleString('en')} characters`);
    expect(screen.getByTestId('truncated-note')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Show all of it' }));
    expect(bodyText()).toBe(long);
    expect(screen.queryByTestId('more-text')).toBeNull();

    rerender(<ResponseView response={response({ text: long, truncated: true, size: 50_000_000, bodyId: 'b2' })} />);
    expect(bodyText()).toHaveLength(FIRST_TEXT_LIMIT);
  });
});
