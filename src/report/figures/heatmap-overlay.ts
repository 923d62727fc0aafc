// A heat map (saliency, CAM, anomaly score) in the JET colormap blended with alpha over the grey
// image, with a colour bar. The heat map is resized bilinearly to the image (CAMs are coarser).
import { OptionError } from '../../util/errors.js';
import { JET_LUT } from '../colormap-jet.js';
import { rgbaDataUri } from '../image-embed.js';
import { checkRaster, intensityRange, resizeBilinear, to8bit, toGrey } from '../raster.js';
import { num, svgDocument, svgImage, svgText } from '../svg.js';
import type { FigureKind, RasterImage } from '../types.js';

export interface HeatmapOverlayData {
  /** Background image (colour is shown as grey). */
  image: RasterImage;
  /** One-channel heat map, any size (resized to the image). */
  heat: RasterImage;
}

export interface HeatmapBlendOptions {
  /** Heat-map opacity over the grey image. @default 0.5 */
  alpha?: number;
  /** Heat values mapped to the ends of the colormap. @default the heat map's min..max */
  range?: [number, number];
}

export interface HeatmapOverlayOptions extends HeatmapBlendOptions {
  /** Title above. @default none */
  title?: string;
  /** Displayed image width in px (height keeps the aspect ratio). @default 256 */
  width?: number;
  /** Draw the colour bar. @default true */
  colorbar?: boolean;
  /** Label beside the colour bar. @default none */
  colorbarTitle?: string;
}

/** Blend as 8-bit RGBA [H·W·4]: out = (1 − α)·grey + α·jet(heat). */
export function blendHeatmap(image: RasterImage, heat: RasterImage, options: HeatmapBlendOptions = {}): Uint8Array {
  checkRaster(image, 'image');
  checkRaster(heat, 'heat');
  if (heat.channels !== 1) throw new OptionError('heat', `must have 1 channel, got ${heat.channels}`);
  const alpha = options.alpha ?? 0.5;
  if (!(alpha >= 0 && alpha <= 1)) throw new OptionError('alpha', `must be in [0, 1], got ${alpha}`);
  const { width: W, height: H } = image;
  const grey = toGrey(image);
  const [glo, ghi] = intensityRange(image);
  const h = heat.width === W && heat.height === H ? heat.data : resizeBilinear(heat.data, heat.width, heat.height, W, H);
  const [lo, hi] = options.range ?? intensityRange({ ...heat, data: Float32Array.from(heat.data) });
  const out = new Uint8Array(W * H * 4);
  for (let p = 0; p < W * H; p++) {
    const g = to8bit(grey[p], glo, ghi);
    const k = 3 * to8bit(h[p], lo, hi);
    for (let c = 0; c < 3; c++) out[4 * p + c] = Math.round((1 - alpha) * g + alpha * JET_LUT[k + c]);
    out[4 * p + 3] = 255;
  }
  return out;
}

/** The blend as an RGB RasterImage, e.g. to place several explanations in an `imageGrid`. */
export function heatmapOverlayRaster(image: RasterImage, heat: RasterImage, options: HeatmapBlendOptions = {}): RasterImage {
  const rgba = blendHeatmap(image, heat, options);
  return { width: image.width, height: image.height, channels: 3, data: rgba.filter((_, i) => i % 4 !== 3) };
}

/** Vertical JET colour bar: exact, since JET is piecewise linear with knots at t = 0, ⅛, ⅜, ⅝, ⅞, 1. */
export function jetColorbar(x: number, y: number, height: number, lo: number, hi: number, title?: string): string[] {
  const knots = [0, 1 / 8, 3 / 8, 5 / 8, 7 / 8, 1];
  const stops = knots.map((t) => {
    const k = 3 * Math.round(t * 255);
    return `<stop offset="${num(t * 100)}%" stop-color="rgb(${JET_LUT[k]},${JET_LUT[k + 1]},${JET_LUT[k + 2]})"/>`;
  });
  const label = (v: number): string => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-2 && v !== 0) ? v.toExponential(1) : String(Number(v.toPrecision(3))));
  const ticks = [0, 0.5, 1].map((t) => {
    const ty = y + height * (1 - t);
    return `<line x1="${num(x + 14)}" x2="${num(x + 18)}" y1="${num(ty)}" y2="${num(ty)}" stroke="#333"/>` + svgText(x + 21, ty + 4, label(lo + (hi - lo) * t), { size: 10, anchor: 'start' });
  });
  const out = [
    `<defs><linearGradient id="kensa-jet" x1="0" y1="1" x2="0" y2="0">${stops.join('')}</linearGradient></defs>`,
    `<rect x="${num(x)}" y="${num(y)}" width="14" height="${num(height)}" fill="url(#kensa-jet)" stroke="#333" stroke-width="0.6"/>`,
    ...ticks,
  ];
  if (title) out.push(`<g transform="translate(${num(x + 64)},${num(y + height / 2)}) rotate(-90)">${svgText(0, 0, title, { size: 11 })}</g>`);
  return out;
}

export const heatmapOverlay: FigureKind<HeatmapOverlayData, HeatmapOverlayOptions> = {
  name: 'heatmap-overlay',
  description: 'A JET heat map blended over a grey image, with a colour bar.',
  exampleText: ['Grad-CAM', 'Saliency', '0', '1'],
  example: () => ({
    options: { title: 'Grad-CAM', colorbarTitle: 'Saliency', range: [0, 1] },
    data: {
      image: { width: 64, height: 48, channels: 1, data: Uint8Array.from({ length: 64 * 48 }, (_, p) => 60 + 120 * (((p % 64) >> 3) % 2) + ((p >> 9) % 2) * 40) },
      heat: { width: 8, height: 6, channels: 1, data: Float32Array.from({ length: 48 }, (_, p) => Math.exp(-(((p % 8) - 5) ** 2 + (Math.floor(p / 8) - 2) ** 2) / 4)) },
    },
  }),
  async render(data, options = {}) {
    const rgba = blendHeatmap(data.image, data.heat, options);
    const [lo, hi] = options.range ?? intensityRange({ ...data.heat, data: Float32Array.from(data.heat.data) });
    const w = options.width ?? 256;
    const h = (w * data.image.height) / data.image.width;
    const top = options.title ? 26 : 8;
    const body: string[] = [];
    if (options.title) body.push(svgText(8, 18, options.title, { size: 14, anchor: 'start' }));
    body.push(svgImage(8, top, w, h, await rgbaDataUri(rgba, data.image.width, data.image.height, w, h)));
    const bar = options.colorbar ?? true;
    if (bar) body.push(...jetColorbar(8 + w + 12, top, h, lo, hi, options.colorbarTitle));
    return svgDocument(8 + w + (bar ? 12 + 64 + (options.colorbarTitle ? 14 : 0) : 8), top + h + 8, body);
  },
};
