// Picking a body file. The dialog is opened by the Rust side, which answers with a handle
// (`file_1`, …) for the picked file: the page sends the handle where a request names a file and
// never passes a path to read (nor, for "Save to file", a path to write: api.saveResponseBody).
import { api } from './api';

/** The path shown for each handle picked while this page is open. */
const picked = new Map<string, string>();

/** Asks for one existing file; its handle, `null` when the person cancels. */
export async function pickFile(title: string): Promise<string | null> {
  const file = await api.pickBodyFile(title);
  if (file === null) return null;
  picked.set(file.handle, file.path);
  return file.handle;
}

/**
 * What to show for the file slot `value` of a draft: the picked path, or, for a value that is
 * no handle of this run (a saved request from before a restart, or from the command line), that
 * the file must be chosen again.
 */
export function fileLabel(value: string): { text: string; again: boolean } {
  if (value === '') return { text: 'No file chosen', again: false };
  const path = picked.get(value);
  if (path !== undefined) return { text: path, again: false };
  return {
    text: value.startsWith('file_') ? 'A file chosen earlier: choose it again' : `${value}: choose it again`,
    again: true,
  };
}
