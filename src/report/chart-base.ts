// Plumbing shared by every Vega-Lite figure: the paper theme, sizes, series colours, input checks.
import { OptionError } from '../util/errors.js';
import { PALETTE_HEX } from './palette.js';
import type { ChartOptions } from './types.js';
import { renderVegaLite, type VegaLiteSpec } from './vega-render.js';

/** Theme tuned for print: light grid, unbolded titles, legend labels never truncated. */
const THEME: VegaLiteSpec = {
  font: 'sans-serif',
  view: { stroke: '#444', strokeWidth: 0.8 },
  axis: {
    labelFontSize: 11,
    titleFontSize: 12,
    titleFontWeight: 'normal',
    labelColor: '#222',
    titleColor: '#000',
    gridColor: '#e8e8e8',
    domain: false,
    tickColor: '#444',
  },
  legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', labelLimit: 0, symbolStrokeWidth: 2 },
  title: { fontSize: 14, fontWeight: 'normal', anchor: 'start', offset: 8 },
  line: { strokeWidth: 1.8 },
};

/** Wrap layers/encodings with sizes, title and theme, then render to SVG. */
export function renderChart(options: ChartOptions, body: VegaLiteSpec, defaults: { width?: number; height?: number } = {}): Promise<string> {
  const width = options.width ?? defaults.width ?? 360;
  const height = options.height ?? defaults.height ?? 260;
  if (!(width > 0 && height > 0)) throw new OptionError('width/height', `must be positive, got ${width}×${height}`);
  const spec: VegaLiteSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width,
    height,
    background: 'white',
    padding: 8,
    config: THEME,
    ...(options.title ? { title: options.title } : {}),
    ...body,
  };
  return renderVegaLite(spec);
}

/** Colour scale keeping the given order of names (Vega would sort them) with palette colours. */
export function orderedColorScale(names: readonly string[], colors: readonly string[] = PALETTE_HEX): VegaLiteSpec {
  return { domain: [...names], range: names.map((_, i) => colors[i % colors.length]) };
}

/** Names must be non-empty and unique: they are legend entries. */
export function checkNames(names: readonly string[], what: string): void {
  if (names.length === 0) throw new OptionError(what, 'needs at least one entry');
  const seen = new Set<string>();
  for (const n of names) {
    if (typeof n !== 'string' || n === '') throw new OptionError(what, 'every entry needs a non-empty name');
    if (seen.has(n)) throw new OptionError(what, `name "${n}" appears twice`);
    seen.add(n);
  }
}

/** Rows {name, i, x, y} of a series, dropping points where x or y is not finite (e.g. a diverged loss). */
export function seriesRows(name: string, x: ArrayLike<number>, y: ArrayLike<number>, what: string): Array<{ name: string; i: number; x: number; y: number }> {
  if (x.length !== y.length) throw new OptionError(what, `series "${name}" has ${x.length} x values but ${y.length} y values`);
  const rows = [];
  for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i]) && Number.isFinite(y[i])) rows.push({ name, i, x: x[i], y: y[i] });
  return rows;
}

/** Quantitative x axis that shows group names at 0..n−1 (for box and violin plots). */
export function groupAxisEncoding(names: readonly string[], title: string | undefined): VegaLiteSpec {
  const long = names.length > 8 || names.some((n) => n.length > 10);
  return {
    type: 'quantitative',
    scale: { domain: [-0.6, names.length - 0.4], nice: false, zero: false },
    axis: {
      values: names.map((_, i) => i),
      labelExpr: `${JSON.stringify(names)}[datum.value] || ''`,
      grid: false,
      labelAngle: long ? -40 : 0,
      labelAlign: long ? 'right' : 'center',
      title: title ?? null,
    },
  };
}

/** At most `maxPoints` rows, evenly spaced along the series; the first and last are always kept. */
export function thinEvenly<T>(rows: T[], maxPoints: number): T[] {
  if (rows.length <= maxPoints) return rows;
  const out: T[] = [];
  for (let k = 0; k < maxPoints; k++) out.push(rows[Math.round((k * (rows.length - 1)) / (maxPoints - 1))]);
  return out;
}
