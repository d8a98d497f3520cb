// The window's active environment and what the tester does with its variables: which one is
// active (kept in localStorage across starts), `{{name}}` found in text, resolved for the URL
// preview, and the names a request uses that the environment lacks. No React here. The core
// resolves for real (crates/latchkey-core/src/variables.rs); this mirrors its syntax only.
import type { ConfigOverrides } from '../bindings/ConfigOverrides';
import type { Datasource } from '../bindings/Datasource';
import type { EnvironmentId } from '../bindings/EnvironmentId';
import type { EnvironmentSummary } from '../bindings/EnvironmentSummary';
import type { KeyValue } from '../bindings/KeyValue';
import type { Variable } from '../bindings/Variable';

/** The environment every vault starts with (the core's `env_default`, named `default`). */
export const DEFAULT_ENVIRONMENT_ID: EnvironmentId = 'env_default';
export const DEFAULT_ENVIRONMENT_NAME = 'default';
const STORAGE_KEY = 'latchkey.activeEnvironment';

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

/** The environment picked last time, if any. */
export function storedEnvironmentId(): EnvironmentId | null {
  return storage()?.getItem(STORAGE_KEY) ?? null;
}

let active: EnvironmentId = storedEnvironmentId() ?? DEFAULT_ENVIRONMENT_ID;

/** The id the window works in: what api.ts sends when a caller names no environment. */
export function activeEnvironmentId(): EnvironmentId {
  return active;
}

/** Makes `id` the active environment, now and at the next start. */
export function setActiveEnvironmentId(id: EnvironmentId): void {
  active = id;
  storage()?.setItem(STORAGE_KEY, id);
}

/** The environment to work in: `wanted` when it exists, else the one named `default`, else the first. */
export function pickEnvironment(list: EnvironmentSummary[], wanted: EnvironmentId | null): EnvironmentSummary | null {
  return (
    list.find((env) => env.id === wanted) ??
    list.find((env) => env.name.toLowerCase() === DEFAULT_ENVIRONMENT_NAME) ??
    list[0] ??
    null
  );
}

/** Methods that change nothing, sent in production without asking (the core's `is_safe_method`). */
export function isSafeMethod(method: string): boolean {
  return ['GET', 'HEAD', 'OPTIONS'].includes(method.trim().toUpperCase() || 'GET');
}

/** `{{name}}` (spaces inside allowed), not preceded by a backslash. */
const USE = /(\\?)\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}/g;

/** The variable names `text` uses, in order, once each (`\{{` is a literal). */
export function usedNames(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(USE)) {
    if (match[1] === '' && !names.includes(match[2])) names.push(match[2]);
  }
  return names;
}

/**
 * `text` with plain variables replaced by their values; secret and unknown ones stay `{{name}}`
 * (the page never holds a secret value), and `\{{` becomes `{{`.
 */
export function resolvePreview(text: string, variables: Variable[]): string {
  return text.replace(USE, (whole: string, escape: string, name: string) => {
    if (escape !== '') return whole.slice(1);
    const variable = variables.find((v) => v.key === name);
    if (!variable || variable.secret || typeof variable.value !== 'string') return `{{${name}}}`;
    return variable.value;
  });
}

/** Names used in `texts` that `variables` lacks. */
export function unknownNames(texts: string[], variables: Variable[]): string[] {
  const known = new Set(variables.map((v) => v.key));
  const unknown: string[] = [];
  for (const text of texts) {
    for (const name of usedNames(text)) if (!known.has(name) && !unknown.includes(name)) unknown.push(name);
  }
  return unknown;
}

/** The partial name typed after an unclosed `{{` right before the caret, or null. */
export function typedVariablePrefix(textBeforeCaret: string): string | null {
  const match = /(^|[^\\])\{\{\s*([A-Za-z0-9_.-]*)$/.exec(textBeforeCaret);
  return match ? match[2] : null;
}

/** What the tester previews of a datasource in an environment: URL, headers and parameters. */
export interface EffectiveTarget {
  url: string;
  headers: KeyValue[];
  queryParams: KeyValue[];
}

/** The overrides of environment `name` (names match case-insensitively, as in the core). */
function overridesOf(datasource: Datasource, name: string): ConfigOverrides | null {
  const environments = datasource.environments ?? {};
  const key = Object.keys(environments).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? null : (environments[key] ?? null);
}

/** The datasource's URL, headers and parameters in environment `name`, plain variables resolved. */
export function effectiveTarget(datasource: Datasource, name: string | null, variables: Variable[]): EffectiveTarget {
  const overrides = name === null ? null : overridesOf(datasource, name);
  const rows = (list: KeyValue[]) =>
    list.map((row) => ({ key: resolvePreview(row.key, variables), value: resolvePreview(row.value, variables) }));
  return {
    url: resolvePreview(overrides?.url ?? datasource.url, variables),
    headers: rows(overrides?.headers ?? datasource.headers),
    queryParams: rows(overrides?.queryParams ?? datasource.queryParams),
  };
}

/** `url` with encoded `{{name}}` put back, so a secret or unknown variable reads as written. */
export function showVariables(url: string): string {
  return url.replace(/%7B%7B([A-Za-z0-9_.-]+)%7D%7D/gi, '{{$1}}');
}
