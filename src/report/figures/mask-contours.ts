// Outlines of one or more masks (ground truth, prediction) drawn as vector contours over an image.
import { OptionError } from '../../util/errors.js';
import { contourLines, contourPath } from '../contours.js';
import { escapeHtml } from '../escape.js';
import { rgbaDataUri } from '../image-embed.js';
import { PALETTE_HEX } from '../palette.js';
import { checkRaster, sample, toRgba8 } from '../raster.js';
import { num, svgDocument, svgImage, svgLegend, svgText } from '../svg.js';
import type { FigureKind, RasterImage } from '../types.js';

export interface ContourMask {
  /** One channel, same size as the image; inside where value > threshold. */
  mask: RasterImage;
  /** Legend label. @default none */
  name?: string;
  /** Stroke colour. @default palette colour by position */
  color?: string;
}

export interface MaskContoursData {
  image: RasterImage;
  masks: ContourMask[];
}

export interface MaskContoursOptions {
  /** @default none */
  title?: string;
  /** Displayed width in px. @default 256 */
  width?: number;
  /** Mask values above this are inside. @default 0.5 */
  threshold?: number;
  /** Contour line width in px. @default 2 */
  strokeWidth?: number;
  /** Intensity range of the image. @default 0..255 for 8-bit data, else min..max */
  range?: [number, number];
}

const COLOR_RE = /^(#[0-9a-fA-F]{3,8}|[a-zA-Z]+|rgba?\([\d\s.,%]+\))$/;

export const maskContours: FigureKind<MaskContoursData, MaskContoursOptions> = {
  name: 'mask-contours',
  description: 'Contours of masks drawn over an image.',
  exampleText: ['Prediction vs truth', 'ground truth', 'prediction'],
  example: () => {
    const w = 40;
    const h = 30;
    const disc = (cx: number, cy: number, r: number): RasterImage => ({
      width: w,
      height: h,
      channels: 1,
      data: Uint8Array.from({ length: w * h }, (_, p) => (Math.hypot((p % w) - cx, Math.floor(p / w) - cy) < r ? 1 : 0)),
    });
    const image = { width: w, height: h, channels: 1, data: Float32Array.from({ length: w * h }, (_, p) => Math.exp(-(Math.hypot((p % w) - 20, Math.floor(p / w) - 15) ** 2) / 60) + 0.1 * Math.sin(p)) };
    return { options: { title: 'Prediction vs truth' }, data: { image, masks: [{ mask: disc(20, 15, 9), name: 'ground truth' }, { mask: disc(22, 14, 8), name: 'prediction' }] } };
  },
  async render(data, options = {}) {
    checkRaster(data.image, 'image');
    const { width: iw, height: ih } = data.image;
    const w = options.width ?? 256;
    const h = (w * ih) / iw;
    const s = w / iw;
    const top = options.title ? 26 : 8;
    const body: string[] = [];
    if (options.title) body.push(svgText(8, 18, options.title, { size: 14, anchor: 'start' }));
    body.push(svgImage(8, top, w, h, await rgbaDataUri(toRgba8(data.image, options.range), iw, ih, w, h)));
    const legend = [];
    for (const [i, m] of data.masks.entries()) {
      checkRaster(m.mask, `masks[${i}]`);
      if (m.mask.width !== iw || m.mask.height !== ih || m.mask.channels !== 1)
        throw new OptionError(`masks[${i}]`, `must be one channel of ${iw}×${ih}, got ${m.mask.channels} of ${m.mask.width}×${m.mask.height}`);
      if (m.color !== undefined && !COLOR_RE.test(m.color)) throw new OptionError(`masks[${i}].color`, `not a CSS colour: ${JSON.stringify(m.color)}`);
      const color = m.color ?? PALETTE_HEX[i % PALETTE_HEX.length];
      const field = Float32Array.from({ length: iw * ih }, (_, p) => sample(m.mask, p, 0));
      const d = contourPath(contourLines(field, iw, ih, options.threshold ?? 0.5), s, s, 8, top);
      if (d) body.push(`<path d="${d}" fill="none" stroke="${escapeHtml(color)}" stroke-width="${num(options.strokeWidth ?? 2)}" stroke-linejoin="round" stroke-linecap="round"/>`);
      if (m.name) legend.push({ color: escapeHtml(color), label: m.name, symbol: 'line' as const });
    }
    const lg = svgLegend(8 + w + 12, top, legend);
    body.push(...lg.svg);
    return svgDocument(8 + w + (legend.length ? lg.width + 12 : 0) + 8, top + Math.max(h, lg.height) + 8, body);
  },
};
