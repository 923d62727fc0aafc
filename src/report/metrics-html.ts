// Nested metrics JSON → readable HTML tables: scalars as key/value rows, per-class objects as one
// matrix, lists of records as a table, numeric matrices (confusion) as a grid, long series summarised.
import { escapeHtml } from './escape.js';
import { formatNumber, formatScalar } from './format.js';

/** Options of `metricsHtml`. */
export interface MetricsHtmlOptions {
  /** Significant digits of non-integer numbers. @default 4 */
  digits?: number;
  /** Most rows of a records table before it is cut (with a note). @default 50 */
  maxRows?: number;
  /** Longest numeric list shown in full; longer ones are summarised. @default 12 */
  maxInlineValues?: number;
  /** Heading level of top-level sections (2–6). @default 3 */
  headingLevel?: number;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

const isScalar = (v: unknown): v is null | boolean | number | string => v === null || ['boolean', 'number', 'string'].includes(typeof v);
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalarObj = (v: unknown): v is Obj => isObj(v) && Object.values(v).every(isScalar);

/** Render metrics (any JSON value) as HTML. Every string from the data is escaped. */
export function metricsHtml(metrics: unknown, options: MetricsHtmlOptions = {}): string {
  return section(metrics as Json, [], options, options.headingLevel ?? 3);
}

function section(value: Json, path: string[], o: MetricsHtmlOptions, level: number): string {
  const cell = (v: Json): string => cellHtml(v, o);
  if (isScalar(value) || isInlineList(value, o)) return `<p>${cell(value)}</p>`;
  if (Array.isArray(value)) return arrayHtml(value, o) ?? `<pre>${escapeHtml(JSON.stringify(value, null, 1))}</pre>`;
  const out: string[] = [];
  const rows: string[] = [];
  const nested: Array<[string, Json]> = [];
  for (const [k, v] of Object.entries(value)) {
    if (isScalar(v) || isInlineList(v, o)) rows.push(`<tr><th scope="row">${escapeHtml(k)}</th><td${numClass(v)}>${cell(v)}</td></tr>`);
    else nested.push([k, v]);
  }
  if (rows.length) out.push(`<table class="kv"><tbody>${rows.join('')}</tbody></table>`);
  for (const [k, v] of nested) {
    const h = Math.min(6, level);
    out.push(`<h${h}>${escapeHtml([...path, k].join(' › '))}</h${h}>`);
    if (isObj(v) && Object.keys(v).length > 0 && Object.values(v).every(isScalarObj)) out.push(matrixOfObjects(v, o));
    else out.push(section(v, [...path, k], o, level + 1));
  }
  return out.join('\n');
}

function numClass(v: Json): string {
  return typeof v === 'number' ? ' class="num"' : '';
}

function isInlineList(v: Json, o: MetricsHtmlOptions): boolean {
  return Array.isArray(v) && v.every(isScalar) && (v.length <= (o.maxInlineValues ?? 12) || v.every((x) => typeof x === 'number'));
}

function cellHtml(v: Json, o: MetricsHtmlOptions): string {
  const d = o.digits ?? 4;
  if (isScalar(v)) return escapeHtml(formatScalar(v, d));
  if (Array.isArray(v) && v.every(isScalar)) {
    const max = o.maxInlineValues ?? 12;
    if (v.length <= max) return `[${v.map((x) => escapeHtml(formatScalar(x, d))).join(', ')}]`;
    const nums = v as number[];
    const finite = nums.filter(Number.isFinite);
    const f = (x: number): string => escapeHtml(formatNumber(x, d));
    const range = finite.length ? `; min ${f(Math.min(...finite))}, max ${f(Math.max(...finite))}` : '';
    return `${v.length} values: ${f(nums[0])}, ${f(nums[1])}, …, ${f(nums[nums.length - 1])}${range}`;
  }
  return `<code>${escapeHtml(JSON.stringify(v))}</code>`;
}

/** Rows = outer keys, columns = union of inner keys (e.g. per-class precision/recall/F1). */
function matrixOfObjects(v: Obj, o: MetricsHtmlOptions): string {
  const cols = [...new Set(Object.values(v).flatMap((r) => Object.keys(r as Obj)))];
  const head = `<tr><th></th>${cols.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('')}</tr>`;
  const body = Object.entries(v).map(
    ([k, r]) => `<tr><th scope="row">${escapeHtml(k)}</th>${cols.map((c) => `<td${numClass((r as Obj)[c])}>${c in (r as Obj) ? cellHtml((r as Obj)[c], o) : ''}</td>`).join('')}</tr>`,
  );
  return `<table class="grid"><thead>${head}</thead><tbody>${body.join('')}</tbody></table>`;
}

/** Records (array of flat objects) as a table; a numeric matrix as a grid; else undefined. */
function arrayHtml(v: Json[], o: MetricsHtmlOptions): string | undefined {
  const maxRows = o.maxRows ?? 50;
  const cut = v.length > maxRows ? `<p class="note">Showing ${maxRows} of ${v.length} rows.</p>` : '';
  const shown = v.slice(0, maxRows);
  if (v.length && v.every(isScalarObj)) {
    const cols = [...new Set(v.flatMap((r) => Object.keys(r as Obj)))];
    const head = `<tr>${cols.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('')}</tr>`;
    const body = shown.map((r) => `<tr>${cols.map((c) => `<td${numClass((r as Obj)[c])}>${c in (r as Obj) ? cellHtml((r as Obj)[c], o) : ''}</td>`).join('')}</tr>`);
    return `<table class="grid"><thead>${head}</thead><tbody>${body.join('')}</tbody></table>${cut}`;
  }
  if (v.length && v.every((r) => Array.isArray(r) && r.every((x) => typeof x === 'number'))) {
    const width = Math.max(...v.map((r) => (r as number[]).length));
    const head = `<tr><th></th>${Array.from({ length: width }, (_, j) => `<th scope="col">${j}</th>`).join('')}</tr>`;
    const body = shown.map((r, i) => `<tr><th scope="row">${i}</th>${(r as number[]).map((x) => `<td class="num">${escapeHtml(formatNumber(x, o.digits ?? 4))}</td>`).join('')}</tr>`);
    return `<table class="grid matrix"><thead>${head}</thead><tbody>${body.join('')}</tbody></table>${cut}`;
  }
  return undefined;
}
