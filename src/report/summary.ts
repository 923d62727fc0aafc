// The answer first: a command's own summary of its run (a verdict sentence, key facts, small
// comparison tables with the best cell marked, galleries of result images), stored as
// summary.json in the run folder and rendered as the report's first section. Gallery images are
// embedded as thumbnails (the report stays one file) and link to the full-size file in the run.
import { readFile } from 'node:fs/promises';
import { extname, isAbsolute, join, normalize, sep } from 'node:path';
import sharp from 'sharp';
import { InputError } from '../util/errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { isInside } from '../util/paths.js';
import { escapeHtml } from './escape.js';
import { formatNumber } from './format.js';

export const SUMMARY_FILE = 'summary.json';

/** One labelled value ("Test accuracy: 91.3 %"). */
export interface SummaryFact {
  label: string;
  value: string | number;
  /** Small print after the value (e.g. "16 subjects"). */
  note?: string;
}

/** A small table; numbers are formatted, `best` marks cells (row, column) in bold. */
export interface SummaryTable {
  caption?: string;
  /** Header of the row-label column, then one per value column. */
  columns: string[];
  rows: { label: string; cells: (string | number | null)[] }[];
  /** Cells to mark, as [row, column] indices into `rows` and `cells`. @default none */
  best?: [number, number][];
}

/** Result images of the run: thumbnails in the report, each a link to its file. */
export interface SummaryGallery {
  caption?: string;
  /** Images per row (a row is one item's images side by side). @default the longest item */
  columns?: number;
  /** Longest side of its thumbnails in px (figures want more than photos). @default the report's (192) */
  side?: number;
  /** `href`: where the thumbnail links, inside the run folder (e.g. a sub-run's report.html). @default the image file */
  items: { title?: string; images: { file: string; label?: string; href?: string }[] }[];
}

export interface ReportSummary {
  /** One or two sentences: what the run found. */
  verdict?: string;
  facts?: SummaryFact[];
  tables?: SummaryTable[];
  galleries?: SummaryGallery[];
}

/** Options of the summary's rendering. */
export interface SummaryHtmlOptions {
  /** Significant digits of non-integer numbers. @default 4 */
  digits?: number;
  /** Longest side of a thumbnail in px. @default 192 */
  thumbnail?: number;
  /** Most items shown per gallery; the rest are counted, with where to find them. @default GALLERY_LIMIT (48) */
  maxItems?: number;
}

const THUMB_TYPES = new Set(['.png', '.jpg', '.jpeg', '.tif', '.tiff', '.webp', '.svg']);

/** Most images a command puts in a summary gallery by default (previews are written for these only). */
export const GALLERY_LIMIT = 48;

/**
 * A small PNG copy (longest side ≤ `side`) of an 8-bit interleaved image, for a summary gallery
 * when the run folder holds no copy of the input (written atomically).
 */
export async function writePreview(path: string, img: { data: Uint8Array; width: number; height: number; channels: 1 | 3 | 4 }, side = 256): Promise<void> {
  const png = await sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength), { raw: { width: img.width, height: img.height, channels: img.channels } })
    .resize(side, side, { fit: 'inside', withoutEnlargement: true })
    .png()
    .toBuffer();
  await writeFileAtomic(path, png);
}

/** Checks a parsed summary.json (from this or an older kensa) and says what is wrong. */
export function checkSummary(value: unknown, file: string): ReportSummary {
  const fail = (what: string): never => {
    throw new InputError(file, what);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('is not a summary object');
  const s = value as ReportSummary;
  if (s.verdict !== undefined && typeof s.verdict !== 'string') fail('verdict is not a string');
  for (const k of ['facts', 'tables', 'galleries'] as const) if (s[k] !== undefined && !Array.isArray(s[k])) fail(`${k} is not a list`);
  for (const t of s.tables ?? []) if (!Array.isArray(t.columns) || !Array.isArray(t.rows)) fail('a table lacks columns or rows');
  for (const g of s.galleries ?? []) if (!Array.isArray(g.items)) fail('a gallery lacks items');
  return s;
}

const cell = (v: string | number | null, digits: number): string => (v === null ? '–' : typeof v === 'number' ? escapeHtml(formatNumber(v, digits)) : escapeHtml(v));

/** A file inside the run folder, or undefined when the path would leave it. */
function inside(runDir: string, file: string): string | undefined {
  const rel = normalize(file);
  return !isAbsolute(rel) && isInside(runDir, join(runDir, rel)) ? rel : undefined;
}

async function thumbnail(path: string, side: number): Promise<string> {
  const bytes = await readFile(path);
  const png = await sharp(bytes, { density: extname(path).toLowerCase() === '.svg' ? 96 : undefined }).resize(side, side, { fit: 'inside', withoutEnlargement: true, kernel: 'nearest' }).png().toBuffer();
  return `data:image/png;base64,${png.toString('base64')}`;
}

/** The summary as HTML, and notes on what could not be shown. */
export async function summaryHtml(summary: ReportSummary, runDir: string, options: SummaryHtmlOptions = {}): Promise<{ html: string; notes: string[] }> {
  const digits = options.digits ?? 4;
  const side = options.thumbnail ?? 192;
  const maxItems = options.maxItems ?? GALLERY_LIMIT;
  const notes: string[] = [];
  const out: string[] = [];
  if (summary.verdict) out.push(`<p class="verdict">${escapeHtml(summary.verdict)}</p>`);
  if (summary.facts?.length) {
    out.push('<dl class="facts">');
    for (const f of summary.facts) out.push(`<div><dt>${escapeHtml(f.label)}</dt><dd>${cell(f.value, digits)}${f.note ? ` <small>${escapeHtml(f.note)}</small>` : ''}</dd></div>`);
    out.push('</dl>');
  }
  for (const t of summary.tables ?? []) {
    const best = new Set((t.best ?? []).map(([r, c]) => `${r},${c}`));
    out.push('<div class="scroll"><table class="grid summary">');
    if (t.caption) out.push(`<caption>${escapeHtml(t.caption)}</caption>`);
    out.push(`<thead><tr>${t.columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('')}</tr></thead><tbody>`);
    t.rows.forEach((r, i) => {
      const tds = r.cells.map((v, j) => {
        const mark = best.has(`${i},${j}`);
        return `<td${typeof v === 'number' ? ' class="num"' : ''}>${mark ? '<b>' : ''}${cell(v, digits)}${mark ? '</b>' : ''}</td>`;
      });
      out.push(`<tr><th scope="row">${escapeHtml(r.label)}</th>${tds.join('')}</tr>`);
    });
    out.push('</tbody></table></div>');
  }
  for (const g of summary.galleries ?? []) {
    const shown = g.items.slice(0, maxItems);
    const gs = g.side ?? side;
    const cols = g.columns ?? Math.max(1, ...shown.map((it) => it.images.length));
    out.push(`<figure class="gallery">${g.caption ? `<figcaption>${escapeHtml(g.caption)}</figcaption>` : ''}<div class="thumbs" style="grid-template-columns:repeat(${cols},minmax(0,${gs}px))">`);
    for (const it of shown) {
      for (const [k, im] of it.images.entries()) {
        const rel = inside(runDir, im.file);
        if (!rel || !THUMB_TYPES.has(extname(rel).toLowerCase())) {
          notes.push(`Summary image ${im.file}: ${rel ? 'not an image type the report can show' : 'path leaves the run folder'}`);
          continue;
        }
        let uri: string;
        try {
          uri = await thumbnail(join(runDir, rel), gs);
        } catch {
          notes.push(`Summary image ${im.file}: missing or unreadable`);
          continue;
        }
        const label = [k === 0 ? it.title : undefined, im.label].filter(Boolean).join(' · ');
        const target = im.href === undefined ? rel : inside(runDir, im.href);
        if (target === undefined) notes.push(`Summary link ${im.href}: path leaves the run folder`);
        const href = (target ?? rel).split(sep).map(encodeURIComponent).join('/');
        out.push(`<a class="thumb" href="${escapeHtml(href)}" title="${escapeHtml(target ?? rel)}"><img src="${uri}" alt="${escapeHtml(label || rel)}" loading="lazy"><span>${escapeHtml(label)}</span></a>`);
      }
    }
    out.push('</div>');
    if (g.items.length > shown.length) out.push(`<p class="note">${shown.length} of ${g.items.length} shown; every file is in the run folder.</p>`);
    out.push('</figure>');
  }
  return { html: out.join('\n'), notes };
}
