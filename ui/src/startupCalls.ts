// This window's start-up calls, sent when the module is first evaluated: main.tsx imports it
// before anything else. Nothing else imports it (a component test would send them on import).
import { requestStartup, type StartupCalls } from './startup';

export const startupCalls: StartupCalls = requestStartup();
