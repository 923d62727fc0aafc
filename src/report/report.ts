// writeReport: one self-contained report.html per run folder (no external scripts, styles or fonts;
// figures embedded as data-URI images so their ids and any scripts stay isolated).
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, extname, isAbsolute, join, normalize, sep } from 'node:path';
import { InputError } from '../util/errors.js';
import { writeFileAtomic } from './atomic-write.js';
import { configHtml } from './config-html.js';
import { escapeHtml } from './escape.js';
import { metricsHtml } from './metrics-html.js';
import { REPORT_CSS } from './report-style.js';
import { readFigureManifest, type FigureEntry } from './run-figures.js';
import { SUMMARY_FILE, checkSummary, summaryHtml } from './summary.js';

/** Options of `writeReport`. */
export interface ReportOptions {
  /** Page title. @default config.title, else "kensa <command>", else the run folder's name */
  title?: string;
  /** Output file name inside the run folder. @default 'report.html' */
  outFile?: string;
  /** Lines from the end of log.txt to show (0 hides the log). @default 40 */
  logLines?: number;
  /** Significant digits of non-integer numbers. @default 4 */
  digits?: number;
  /** Most rows of a metrics records table. @default 50 */
  maxRows?: number;
}

const MIME: Record<string, string> = { '.svg': 'image/svg+xml', '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg' };

/** Read and parse an optional JSON file: absent → undefined, garbled → InputError naming it. */
async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InputError(path, `cannot read: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputError(path, `not valid JSON (${(err as Error).message})`);
  }
}

/** Command line recorded in the config: `command` or `argv` as a string or list. */
function commandOf(config: Record<string, unknown>): string | undefined {
  const c = config.command ?? config.argv;
  if (typeof c === 'string') return c;
  if (Array.isArray(c)) return c.map(String).join(' ');
  return undefined;
}

/** Run date recorded in the config (`date`, `startedAt` or `createdAt`), else the config file's time. */
async function dateOf(config: Record<string, unknown>, configPath: string): Promise<string | undefined> {
  for (const k of ['date', 'startedAt', 'createdAt']) if (typeof config[k] === 'string' || typeof config[k] === 'number') return String(config[k]);
  try {
    return (await stat(configPath)).mtime.toISOString();
  } catch {
    return undefined;
  }
}

/** A figure file as a data URI, or the reason it cannot be shown. Paths must stay inside the run. */
async function figureUri(runDir: string, file: string): Promise<{ uri?: string; problem?: string }> {
  const rel = normalize(file);
  if (isAbsolute(rel) || rel === '..' || rel.startsWith('..' + sep)) return { problem: `path leaves the run folder: ${file}` };
  const mime = MIME[extname(rel).toLowerCase()];
  if (!mime) return { problem: `unsupported figure type: ${file}` };
  try {
    const bytes = await readFile(join(runDir, rel));
    return { uri: `data:${mime};base64,${bytes.toString('base64')}` };
  } catch {
    return { problem: `figure file missing: ${file}` };
  }
}

/** Figure files under figures/ that the manifest does not list (shown after the listed ones). */
async function unlistedFigures(runDir: string, listed: FigureEntry[]): Promise<FigureEntry[]> {
  let names: string[];
  try {
    names = (await readdir(join(runDir, 'figures'))).sort();
  } catch {
    return [];
  }
  const known = new Set(listed.map((f) => normalize(f.file)));
  return names
    .filter((n) => !n.startsWith('.') && MIME[extname(n).toLowerCase()] && !known.has(normalize(`figures/${n}`)))
    .map((n) => ({ name: basename(n, extname(n)), file: `figures/${n}`, caption: '' }));
}

/** Build `report.html` in `runDir` from config.json, metrics.json, figures.json and log.txt; returns its path. */
export async function writeReport(runDir: string, options: ReportOptions = {}): Promise<string> {
  try {
    if (!(await stat(runDir)).isDirectory()) throw new InputError(runDir, 'not a folder');
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(runDir, 'run folder not found');
  }
  const configPath = join(runDir, 'config.json');
  const rawConfig = await readJson(configPath);
  const config = typeof rawConfig === 'object' && rawConfig !== null && !Array.isArray(rawConfig) ? (rawConfig as Record<string, unknown>) : {};
  const metrics = await readJson(join(runDir, 'metrics.json'));
  const manifest = await readFigureManifest(runDir);
  const figures = [...manifest.figures, ...(await unlistedFigures(runDir, manifest.figures))];
  const digits = options.digits ?? 4;

  const command = commandOf(config);
  const title = options.title ?? (typeof config.title === 'string' ? config.title : command ? `kensa ${command.replace(/^kensa\s+/, '')}` : basename(runDir));
  const date = await dateOf(config, configPath);
  const notes: string[] = [];
  const parts: string[] = [];

  parts.push(`<header><h1>${escapeHtml(title)}</h1><dl class="meta">`);
  if (command) parts.push(`<div><dt>Command</dt><dd><code>${escapeHtml(command)}</code></dd></div>`);
  if (date) parts.push(`<div><dt>Date</dt><dd>${escapeHtml(date)}</dd></div>`);
  parts.push(`<div><dt>Run folder</dt><dd><code>${escapeHtml(basename(runDir))}</code></dd></div></dl></header>`);

  const rawSummary = await readJson(join(runDir, SUMMARY_FILE));
  const summary = rawSummary === undefined ? undefined : checkSummary(rawSummary, join(runDir, SUMMARY_FILE));
  const nav = ['<nav>', ...(summary ? ['<a href="#summary">Summary</a>'] : []), '<a href="#metrics">Metrics</a>', '<a href="#figures">Figures</a>', '<a href="#config">Configuration</a>'];
  if (summary) {
    const s = await summaryHtml(summary, runDir, { digits });
    notes.push(...s.notes);
    parts.push(`<section id="summary"><h2>Summary</h2>\n${s.html}\n</section>`);
  }

  parts.push('<section id="metrics"><h2>Metrics</h2>');
  const table = metrics === undefined ? '<p class="note">No metrics.json in this run.</p>' : metricsHtml(metrics, { digits, maxRows: options.maxRows });
  // with a summary above, the full tables are folded
  parts.push(summary && metrics !== undefined ? `<details><summary>Every value in metrics.json</summary>\n${table}\n</details>` : table);
  parts.push('</section>');

  parts.push('<section id="figures"><h2>Figures</h2>');
  if (figures.length === 0) parts.push('<p class="note">No figures in this run.</p>');
  let number = 0;
  for (const f of figures) {
    const { uri, problem } = await figureUri(runDir, f.file);
    if (!uri) {
      notes.push(`Figure “${f.name}”: ${problem}`);
      continue;
    }
    number++;
    const caption = f.caption ? ` ${escapeHtml(f.caption)}` : ` ${escapeHtml(f.name)}`;
    parts.push(
      `<figure id="fig-${number}" data-name="${escapeHtml(f.name)}"><img src="${uri}" alt="${escapeHtml(f.caption || f.name)}">` +
        `<figcaption><b>Figure ${number}.</b>${caption}</figcaption></figure>`,
    );
  }
  parts.push('</section>');

  parts.push('<section id="config"><h2>Configuration</h2>');
  parts.push(rawConfig === undefined ? '<p class="note">No config.json in this run.</p>' : configHtml(rawConfig, digits));
  parts.push('</section>');

  const logLines = options.logLines ?? 40;
  if (logLines > 0) {
    let log: string | undefined;
    try {
      log = await readFile(join(runDir, 'log.txt'), 'utf8');
    } catch {
      log = undefined;
    }
    if (log !== undefined) {
      const lines = log.replace(/\n$/, '').split('\n');
      const tail = lines.slice(-logLines);
      nav.push('<a href="#log">Log</a>');
      parts.push(`<section id="log"><h2>Log</h2><details${lines.length <= logLines ? ' open' : ''}><summary>Last ${tail.length} of ${lines.length} lines of log.txt</summary><pre>${escapeHtml(tail.join('\n'))}</pre></details></section>`);
    }
  }
  if (notes.length) parts.splice(1, 0, `<div class="warn"><ul>${notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul></div>`);
  parts.splice(1, 0, nav[0] + nav.slice(1).join(' · ') + '</nav>');

  const html =
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">` +
    '<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="generator" content="kensa">' +
    `<title>${escapeHtml(title)}</title><style>${REPORT_CSS}</style></head>\n<body><main>\n${parts.join('\n')}\n</main></body></html>\n`;
  const out = join(runDir, options.outFile ?? 'report.html');
  await writeFileAtomic(out, html);
  return out;
}
