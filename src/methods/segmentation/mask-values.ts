// How stored mask values become classes: a threshold ('>127': 1 above, 0 otherwise), a table
// ('0:1,255:0'), or the stored values themselves ('none'); and the check that every mask holds only
// class indices 0..classes−1.
import type { LoadMaskOptions } from '../../data/index.js';
import { InputError, OptionError } from '../../util/errors.js';

/** Parsed --mask-values. */
export type MaskValues = NonNullable<LoadMaskOptions['values']>;

/** Parses 'none', '>T' or 'v:c,v:c,...' (option name for errors: `option`). */
export function parseMaskValues(text: string, option = '--mask-values'): MaskValues {
  const s = text.trim();
  if (s === '' || s === 'none') return 'none';
  const thr = /^>\s*(-?\d+(?:\.\d+)?)$/.exec(s);
  if (thr) return Number(thr[1]);
  const table: Record<number, number> = {};
  for (const part of s.split(',')) {
    const m = /^\s*(-?\d+(?:\.\d+)?)\s*:\s*(\d+)\s*$/.exec(part);
    if (!m) throw new OptionError(option, `expected 'none', '>T' or 'value:class,...', got '${text}'`);
    table[Number(m[1])] = Number(m[2]);
  }
  return table;
}

/** The text form of parsed mask values (stored with a model). */
export function formatMaskValues(v: MaskValues): string {
  if (v === 'none') return 'none';
  if (typeof v === 'number') return `>${v}`;
  return Object.entries(v).map(([k, c]) => `${k}:${c}`).join(',');
}

/** Throws InputError naming `file` when a mask value is not a class index below `classes`. */
export function checkMaskClasses(file: string, data: Float32Array, classes: number): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!(Number.isInteger(v) && v >= 0 && v < classes)) {
      throw new InputError(file, `mask holds the value ${v} at pixel ${i}, not a class index 0..${classes - 1} (map stored values with --mask-values, e.g. '>127' or '0:1,255:0')`);
    }
  }
}
