// Key/value rows as edited (blank rows allowed) versus as sent (blank rows dropped), and the
// mapping of the core's field paths (`headers[1].key`) back to the rows a person sees.
import type { FieldError } from '../bindings/FieldError';
import type { KeyValue } from '../bindings/KeyValue';

export function isBlankRow(row: KeyValue): boolean {
  return row.key.trim() === '' && row.value.trim() === '';
}

/** Rows without the blank ones, and for each kept row the index it had in `rows`. */
export function compactRows<T>(rows: T[], isBlank: (row: T) => boolean): { rows: T[]; sourceIndex: number[] } {
  const kept: T[] = [];
  const sourceIndex: number[] = [];
  rows.forEach((row, index) => {
    if (!isBlank(row)) {
      kept.push(row);
      sourceIndex.push(index);
    }
  });
  return { rows: kept, sourceIndex };
}

/** Index maps of compacted lists, by the list's path (`headers`, `auth.customAuthParams`). */
export type RowMaps = Record<string, number[]>;

/** Rewrites `list[i]…` in a path to the index the row has in the form. */
export function remapPath(path: string, maps: RowMaps): string {
  const match = /^(.*?)\[(\d+)\](.*)$/.exec(path);
  if (!match) return path;
  const [, list, index, rest] = match;
  const sourceIndex = maps[list]?.[Number(index)];
  return sourceIndex === undefined ? path : `${list}[${sourceIndex}]${rest}`;
}

export function remapFieldErrors(errors: FieldError[], maps: RowMaps): FieldError[] {
  return errors.map((error) => ({ ...error, field: remapPath(error.field, maps) }));
}
