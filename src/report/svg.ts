// Small builders for the hand-laid-out SVG of image figures (grids, overlays, colour bars).
import { escapeHtml } from './escape.js';

/** Font stack shared with the Vega-Lite charts. */
export const FONT = 'sans-serif';

/** A complete SVG document on a white background. */
export function svgDocument(width: number, height: number, body: string[]): string {
  const w = Math.ceil(width);
  const h = Math.ceil(height);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" ` +
    `width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="${FONT}">` +
    `<rect width="${w}" height="${h}" fill="white"/>${body.join('')}</svg>`
  );
}

/** Options of `svgText`. */
export interface TextStyle {
  /** @default 12 */
  size?: number;
  /** @default 'middle' */
  anchor?: 'start' | 'middle' | 'end';
  /** @default 'normal' */
  weight?: 'normal' | 'bold';
  /** @default '#000' */
  fill?: string;
}

/** A line of escaped text with its baseline at (x, y). */
export function svgText(x: number, y: number, text: string, style: TextStyle = {}): string {
  const { size = 12, anchor = 'middle', weight = 'normal', fill = '#000' } = style;
  const bold = weight === 'bold' ? ' font-weight="bold"' : '';
  return `<text x="${num(x)}" y="${num(y)}" font-size="${size}" text-anchor="${anchor}" fill="${fill}"${bold}>${escapeHtml(text)}</text>`;
}

/** An embedded raster image, drawn with crisp pixels. */
export function svgImage(x: number, y: number, width: number, height: number, href: string): string {
  return (
    `<image x="${num(x)}" y="${num(y)}" width="${num(width)}" height="${num(height)}" preserveAspectRatio="none" ` +
    `style="image-rendering:pixelated" href="${href}" xlink:href="${href}"/>`
  );
}

/** A number for an SVG attribute: at most 2 decimals, no trailing zeros. */
export function num(v: number): string {
  return String(Math.round(v * 100) / 100);
}

/** Rough width of a text line in px (sans-serif averages ≈ 0.58 em per character). */
export function textWidth(text: string, size: number): number {
  return text.length * size * 0.58;
}

/** One legend row: a filled swatch or a line sample in `color`, then the label. */
export interface LegendEntry {
  color: string;
  label: string;
  /** @default 'swatch' */
  symbol?: 'swatch' | 'line';
}

/** A vertical legend with its top-left corner at (x, y); returns the SVG and its size. */
export function svgLegend(x: number, y: number, entries: LegendEntry[], size = 11): { svg: string[]; width: number; height: number } {
  const row = size + 7;
  const svg = entries.map((e, i) => {
    const cy = y + i * row + row / 2;
    const mark =
      e.symbol === 'line'
        ? `<line x1="${num(x)}" x2="${num(x + 16)}" y1="${num(cy)}" y2="${num(cy)}" stroke="${e.color}" stroke-width="2.5"/>`
        : `<rect x="${num(x + 2)}" y="${num(cy - 6)}" width="12" height="12" fill="${e.color}" stroke="#333" stroke-width="0.5"/>`;
    return mark + svgText(x + 22, cy + size * 0.35, e.label, { size, anchor: 'start' });
  });
  const width = 22 + Math.max(0, ...entries.map((e) => textWidth(e.label, size)));
  return { svg, width, height: entries.length * row };
}
