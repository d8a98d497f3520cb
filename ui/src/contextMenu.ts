// The webview's own context menu (Back, Reload, Inspect Element) is for developing the page, not
// for the person using the app: release builds keep it only where it edits or copies text.
// Dev builds (`tauri dev`, Vite's dev server) keep it everywhere, for the inspector.

/** Where the webview's menu stays: text fields (Cut, Copy, Paste) and selected text (Copy). */
export function keepsMenu(target: EventTarget | null, selection: string): boolean {
  if (selection.trim() !== '') return true;
  if (!(target instanceof Element)) return false;
  return (
    target.closest(
      'input:not([type=checkbox]):not([type=radio]):not([type=button]):not([type=submit]), textarea, [contenteditable="true"], [contenteditable=""]',
    ) !== null
  );
}

/** Stops the webview's context menu outside text (see `keepsMenu`); returns the undo. */
export function blockBrowserMenu(on: Document = document): () => void {
  const onMenu = (event: MouseEvent) => {
    if (!keepsMenu(event.target, on.getSelection()?.toString() ?? '')) event.preventDefault();
  };
  on.addEventListener('contextmenu', onMenu);
  return () => on.removeEventListener('contextmenu', onMenu);
}
