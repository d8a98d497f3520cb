// The device code grant in the editor (RFC 8628): Save and Authorize shows the code to enter
// large, with Copy and Open (which asks the desktop side to open the verification page) and a
// countdown to the code's expiry; Cancel ends the attempt; the result reads as for the other
// grants. And the Device authorization URL field in place of the browser redirect fields.
import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { emit } from '@tauri-apps/api/event';
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { DeviceCodeStarted } from '../bindings/DeviceCodeStarted';
import type { TokenState } from '../bindings/TokenState';
import { defaultOAuth2 } from '../state/datasourceForm';
import { datasource, mockBackend } from '../test/backend';
import { renderEditor } from '../test/editor';
import { DeviceCodeStatus } from './DeviceCodeStatus';

const stored = datasource({
  id: 'ds-tv',
  auth: {
    type: 'oauth2',
    ...defaultOAuth2(),
    grantType: 'device_code',
    accessTokenUrl: 'https://id.example.com/token',
    deviceAuthorizationUrl: 'https://id.example.com/device/code',
    clientId: 'tv',
  },
});

function started(expiresInMs: number): DeviceCodeStarted {
  return {
    datasourceId: 'ds-tv',
    userCode: 'WDJB-MJHT',
    verificationUri: 'https://id.example.com/device',
    verificationUriComplete: 'https://id.example.com/device?user_code=WDJB-MJHT',
    expiresAt: Date.now() + expiresInMs,
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('DeviceCodeStatus', () => {
  test('shows the code, copies it, opens the page, counts down and cancels', async () => {
    mockBackend();
    const onOpen = vi.fn();
    const onCancel = vi.fn();
    const user = userEvent.setup();
    render(<DeviceCodeStatus device={started(5 * 60_000)} onOpen={onOpen} onCancel={onCancel} />);
    expect(screen.getByTestId('user-code').textContent).toBe('WDJB-MJHT');
    expect(screen.getByTestId('verification-uri').textContent).toBe('https://id.example.com/device');
    expect(screen.getByTestId('device-code-expiry').textContent).toMatch(/^The code expires in 4 min 5\d s\.$/);
    await user.click(screen.getByTestId('copy-user-code'));
    await waitFor(() => expect(screen.getByTestId('copy-user-code').textContent).toBe('Copied'));
    expect(await navigator.clipboard.readText()).toBe('WDJB-MJHT');
    await user.click(screen.getByRole('button', { name: 'Open' }));
    expect(onOpen).toHaveBeenCalledTimes(1);
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onCancel).toHaveBeenCalledTimes(1);
  });

  test('says when the code has expired', () => {
    vi.useFakeTimers();
    render(<DeviceCodeStatus device={started(2_000)} onOpen={() => undefined} onCancel={() => undefined} />);
    expect(screen.getByTestId('device-code-expiry').textContent).toMatch(/expires in [12] s/);
    act(() => vi.advanceTimersByTime(3_000));
    expect(screen.getByTestId('device-code-expiry').textContent).toBe('The code expired: authorize again.');
  });
});

describe('Save and Authorize with the device code grant', () => {
  test('the code comes by event, Open and Cancel call the desktop side', async () => {
    let finish: (state: TokenState) => void = () => undefined;
    const backend = mockBackend({
      get_datasource: () => stored,
      authorize: () =>
        new Promise<TokenState>((resolve) => {
          finish = resolve;
        }),
      open_device_page: () => null,
      cancel_authorization: () => null,
    });
    const { user } = await renderEditor('ds-tv');
    await user.click(screen.getByTestId('save-and-authorize'));
    await waitFor(() => expect(backend.argsOf('authorize')).toHaveLength(1));
    await act(() => emit('device-code-started', started(10 * 60_000)));
    expect((await screen.findByTestId('user-code')).textContent).toBe('WDJB-MJHT');
    await user.click(screen.getByTestId('open-verification-page'));
    expect(backend.argsOf('open_device_page')).toHaveLength(1);
    await user.click(screen.getByTestId('cancel-authorization'));
    expect(backend.argsOf('cancel_authorization')).toHaveLength(1);
    await act(async () =>
      finish({
        status: 'authorized',
        reason: null,
        tokenType: 'Bearer',
        scopes: ['openid'],
        obtainedAt: Date.now(),
        expiresAt: Date.now() + 3_600_000,
        hasRefreshToken: true,
        lastError: null,
      }),
    );
    const result = await screen.findByTestId('auth-result');
    expect(result.textContent).toContain('Authorized');
    expect(screen.queryByTestId('user-code'), 'the code goes once the attempt ends').toBeNull();
  });

  test('the form shows the Device authorization URL and none of the redirect fields', async () => {
    mockBackend({ get_datasource: () => stored });
    await renderEditor('ds-tv');
    expect(screen.getByLabelText<HTMLInputElement>('Device authorization URL').value).toBe(
      'https://id.example.com/device/code',
    );
    expect(screen.queryByLabelText('Authorization URL')).toBeNull();
    expect(screen.queryByLabelText('Redirect URL')).toBeNull();
    expect(screen.getByRole('button', { name: 'Save and Authorize' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Save and Test' })).toBeNull();
  });
});
