// Writing to the clipboard: through the Rust side (the webview's own clipboard API refuses a
// write that follows an await), then the webview's API; false when neither took it, so the
// caller can say so. Only text the page already shows goes this way: Copy as cURL with secrets
// is copied by the Rust side alone (api.copyCurlCommand).
import { api } from './api';

export async function copyText(text: string): Promise<boolean> {
  try {
    await api.copyText(text);
    return true;
  } catch {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      return false;
    }
  }
}
