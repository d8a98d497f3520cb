// The native file dialogs (Tauri's dialog plugin), reduced to what the UI needs: one path.
import { open, save } from '@tauri-apps/plugin-dialog';

/** Asks for one existing file; `null` when the person cancels. */
export async function pickFile(title: string): Promise<string | null> {
  const picked = await open({ title, multiple: false, directory: false });
  return typeof picked === 'string' ? picked : null;
}

/** Asks where to save a file; `null` when the person cancels. */
export async function pickSavePath(title: string, defaultPath: string): Promise<string | null> {
  return save({ title, defaultPath });
}
