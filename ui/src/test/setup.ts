// Vitest setup for the component tests (jsdom): unmount what a test rendered, let the
// unsubscriptions it started settle, then remove the Tauri IPC mock so no test sees another's.
import { cleanup } from '@testing-library/react';
import { clearMocks } from '@tauri-apps/api/mocks';
import { afterEach } from 'vitest';

afterEach(async () => {
  cleanup();
  // Unmounting unsubscribes from Tauri events asynchronously (through the mocked IPC).
  await new Promise((resolve) => setTimeout(resolve, 0));
  clearMocks();
});
