// Region names of a label atlas from a text table: comma-separated with a header holding a 'Name'
// column (e.g. muse_dict.csv: Index,Code,Name), or whitespace-separated "value name ..." lines
// without a header (e.g. AAL's aal.nii.txt).
import { readFile } from 'node:fs/promises';
import { InputError } from '../../util/errors.js';

/** Parse a names table; `file` names it in errors. */
export function parseRegionNames(text: string, file: string): Map<number, string> {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const out = new Map<number, string>();
  const csv = lines.find((l) => l !== '')?.includes(',') ?? false;
  const split = (l: string): string[] => (csv ? l.split(',').map((f) => f.trim()) : l.split(/\s+/));
  let nameCol = 1;
  let start = 0;
  const first = lines.findIndex((l) => l !== '');
  if (first >= 0 && !/^-?\d+$/.test(split(lines[first])[0])) {
    const header = split(lines[first]).map((h) => h.toLowerCase());
    const k = header.indexOf('name');
    if (k < 0) throw new InputError(file, `header "${lines[first]}" has no Name column`);
    nameCol = k;
    start = first + 1;
  }
  for (let n = start; n < lines.length; n++) {
    if (lines[n] === '' || lines[n].startsWith('#')) continue;
    const f = split(lines[n]);
    if (!/^-?\d+$/.test(f[0]) || f[nameCol] === undefined || f[nameCol] === '') throw new InputError(file, `line ${n + 1} is not "<label value> ... <name>": ${lines[n].slice(0, 80)}`);
    const v = Number(f[0]);
    if (out.has(v)) throw new InputError(file, `line ${n + 1}: label value ${v} is named twice`);
    out.set(v, f[nameCol]);
  }
  if (out.size === 0) throw new InputError(file, 'names no regions');
  return out;
}

/** Read a names table (see `parseRegionNames`). */
export async function readRegionNames(path: string): Promise<Map<number, string>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new InputError(path, `cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  return parseRegionNames(text, path);
}
