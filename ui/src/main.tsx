// Entry point of the web UI: sends the start-up calls, then mounts <App /> into #root.
// `./startupCalls` comes first so the calls go out before React and the rest are evaluated.
import { startupCalls } from './startupCalls';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './styles.css';

/** How long the first render waits for the start-up answers; slower ones come in as an update. */
const STARTUP_WAIT_MS = 250;

// For the font stacks that resolve at once on Linux (styles.css).
if (navigator.userAgent.includes('Linux')) document.documentElement.dataset.platform = 'linux';

const root = document.getElementById('root');
if (!root) {
  throw new Error('index.html must contain <div id="root">');
}
const container = root;

// One render with the list in it rather than a "Loading…" frame and then the list: each frame
// WebKit lays out and paints before the next costs tens of milliseconds at start-up.
let mounted = false;
function mount() {
  if (mounted) return;
  mounted = true;
  createRoot(container).render(
    <StrictMode>
      <App startup={startupCalls} />
    </StrictMode>,
  );
}
void startupCalls.answered.then(mount);
setTimeout(mount, STARTUP_WAIT_MS);
