// A label map (segmentation classes or instances) in distinct palette colours, alone or blended over
// a grey image, with a legend of named labels. Background (label 0 by default) stays uncoloured.
import { OptionError } from '../../util/errors.js';
import { rgbToHex } from '../color.js';
import { rgbaDataUri } from '../image-embed.js';
import { labelColor } from '../palette.js';
import { checkRaster, intensityRange, sample, to8bit, toGrey } from '../raster.js';
import { svgDocument, svgImage, svgLegend, svgText } from '../svg.js';
import type { FigureKind, RasterImage } from '../types.js';

export interface LabelMapData {
  /** One channel of integer labels (floats are rounded). */
  labels: RasterImage;
  /** Grey background image of the same size. @default none (black background) */
  image?: RasterImage;
  /** Names of labels for the legend, by label value. @default none */
  names?: Record<number, string>;
}

export interface LabelBlendOptions {
  /** Label opacity over the image. @default 0.5 with an image, 1 without */
  alpha?: number;
  /** Label drawn uncoloured. @default 0 */
  background?: number | null;
}

export interface LabelMapOptions extends LabelBlendOptions {
  /** @default none */
  title?: string;
  /** Displayed width in px. @default 256 */
  width?: number;
  /** Show a legend of the named labels present. @default true when names are given */
  legend?: boolean;
  /** Most legend rows. @default 30 */
  maxLegendEntries?: number;
}

/** Colour of label `v`: palette entry v − 1 for v ≥ 1, so label 1 gets the first palette colour. */
export function labelMapColor(v: number): [number, number, number] {
  return [...labelColor(v >= 1 ? v - 1 : v)] as [number, number, number];
}

/** Blend labels over an image (or black) as 8-bit RGBA [H·W·4]. */
export function blendLabels(labels: RasterImage, image: RasterImage | undefined, options: LabelBlendOptions = {}): Uint8Array {
  checkRaster(labels, 'labels');
  if (labels.channels !== 1) throw new OptionError('labels', `must have 1 channel, got ${labels.channels}`);
  const n = labels.width * labels.height;
  let grey: Float32Array | undefined;
  let range: [number, number] = [0, 255];
  if (image) {
    checkRaster(image, 'image');
    if (image.width !== labels.width || image.height !== labels.height)
      throw new OptionError('image', `size ${image.width}×${image.height} differs from labels ${labels.width}×${labels.height}`);
    grey = toGrey(image);
    range = intensityRange(image);
  }
  const alpha = options.alpha ?? (image ? 0.5 : 1);
  if (!(alpha >= 0 && alpha <= 1)) throw new OptionError('alpha', `must be in [0, 1], got ${alpha}`);
  const background = options.background === undefined ? 0 : options.background;
  const out = new Uint8Array(n * 4);
  for (let p = 0; p < n; p++) {
    const g = grey ? to8bit(grey[p], range[0], range[1]) : 0;
    const v = Math.round(sample(labels, p, 0));
    const isBg = !Number.isFinite(v) || v === background;
    const col = isBg ? null : labelMapColor(v);
    for (let c = 0; c < 3; c++) out[4 * p + c] = col ? Math.round((1 - alpha) * g + alpha * col[c]) : g;
    out[4 * p + 3] = 255;
  }
  return out;
}

/** The blend as an RGB RasterImage, e.g. for an `imageGrid` of predictions beside ground truth. */
export function labelMapRaster(labels: RasterImage, image?: RasterImage, options: LabelBlendOptions = {}): RasterImage {
  const rgba = blendLabels(labels, image, options);
  return { width: labels.width, height: labels.height, channels: 3, data: rgba.filter((_, i) => i % 4 !== 3) };
}

export const labelMap: FigureKind<LabelMapData, LabelMapOptions> = {
  name: 'label-map',
  description: 'A label map in distinct colours, optionally over a grey image, with a legend.',
  exampleText: ['Segmentation', 'nucleus', 'cytoplasm'],
  example: () => {
    const w = 48;
    const h = 32;
    const labels = new Uint8Array(w * h);
    for (let p = 0; p < w * h; p++) {
      const x = p % w;
      const y = Math.floor(p / w);
      const d = Math.hypot(x - 16, y - 16);
      labels[p] = d < 5 ? 1 : d < 11 ? 2 : x > 32 && y > 8 && y < 24 ? 3 + ((x >> 2) % 3) : 0;
    }
    const image = { width: w, height: h, channels: 1, data: Uint8Array.from({ length: w * h }, (_, p) => 90 + ((p * 37) % 50)) };
    return { options: { title: 'Segmentation' }, data: { labels: { width: w, height: h, channels: 1, data: labels }, image, names: { 1: 'nucleus', 2: 'cytoplasm', 3: 'cell A', 4: 'cell B', 5: 'cell C' } } };
  },
  async render(data, options = {}) {
    const rgba = blendLabels(data.labels, data.image, options);
    const { width: iw, height: ih } = data.labels;
    const w = options.width ?? 256;
    const h = (w * ih) / iw;
    const top = options.title ? 26 : 8;
    const body: string[] = [];
    if (options.title) body.push(svgText(8, 18, options.title, { size: 14, anchor: 'start' }));
    body.push(svgImage(8, top, w, h, await rgbaDataUri(rgba, iw, ih, w, h)));
    let legendW = 0;
    let legendH = 0;
    if (data.names && (options.legend ?? true)) {
      const present = new Set<number>();
      for (let p = 0; p < iw * ih; p++) present.add(Math.round(sample(data.labels, p, 0)));
      const background = options.background === undefined ? 0 : options.background;
      const entries = Object.entries(data.names)
        .map(([k, name]) => [Number(k), name] as const)
        .filter(([v]) => present.has(v) && v !== background)
        .sort((a, b) => a[0] - b[0])
        .slice(0, options.maxLegendEntries ?? 30)
        .map(([v, label]) => ({ color: rgbToHex(labelMapColor(v)), label }));
      const legend = svgLegend(8 + w + 12, top, entries);
      body.push(...legend.svg);
      legendW = legend.width + 12;
      legendH = legend.height;
    }
    return svgDocument(8 + w + legendW + 8, top + Math.max(h, legendH) + 8, body);
  },
};
