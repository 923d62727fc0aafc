// A grid of images with a title above each (e.g. samples, augmentations, per-method explanations).
import { OptionError } from '../../util/errors.js';
import { rgbaDataUri } from '../image-embed.js';
import { checkRaster, toRgba8 } from '../raster.js';
import { svgDocument, svgImage, svgText, textWidth } from '../svg.js';
import type { FigureKind, RasterImage } from '../types.js';

export interface GridImage {
  image: RasterImage;
  /** Caption above the image. @default none */
  title?: string;
  /** Intensity range mapped to black..white. @default 0..255 for 8-bit data, else the image's min..max */
  range?: [number, number];
}

export interface ImageGridData {
  images: GridImage[];
}

export interface ImageGridOptions {
  /** Title above the grid. @default none */
  title?: string;
  /** Images per row. @default ⌈√n⌉ (at most n) */
  columns?: number;
  /** Displayed width of each cell in px; heights follow the tallest aspect ratio. @default 160 */
  cellWidth?: number;
  /** Space between cells in px. @default 8 */
  gap?: number;
  /** Font size of image titles. @default 11 */
  titleSize?: number;
}

/** Shorten `text` with an ellipsis so it fits `width` px at font `size`. */
export function fitText(text: string, width: number, size: number): string {
  if (textWidth(text, size) <= width) return text;
  const chars = Math.max(1, Math.floor(width / (size * 0.58)) - 1);
  return text.slice(0, chars) + '…';
}

export const imageGrid: FigureKind<ImageGridData, ImageGridOptions> = {
  name: 'image-grid',
  description: 'A grid of images, each with a title.',
  exampleText: ['input', 'augmented', 'Samples'],
  example: () => {
    const ramp = (w: number, h: number, f: (x: number, y: number) => number): RasterImage => ({
      width: w,
      height: h,
      channels: 1,
      data: Float32Array.from({ length: w * h }, (_, p) => f(p % w, Math.floor(p / w))),
    });
    const rgb: RasterImage = { width: 8, height: 8, channels: 3, data: Uint8Array.from({ length: 192 }, (_, i) => ((i % 3) * 100 + i * 5) % 256) };
    return {
      options: { title: 'Samples', columns: 3 },
      data: {
        images: [
          { image: ramp(16, 16, (x, y) => Math.sin(x / 3) * Math.cos(y / 4)), title: 'input' },
          { image: ramp(16, 16, (x, y) => Math.sin(y / 3) * Math.cos(x / 4)), title: 'augmented' },
          { image: rgb, title: 'RGB <8×8>' },
        ],
      },
    };
  },
  async render(data, options = {}) {
    const n = data.images.length;
    if (n === 0) throw new OptionError('images', 'needs at least one image');
    data.images.forEach((g, i) => checkRaster(g.image, `images[${i}]`));
    const columns = Math.min(n, options.columns ?? Math.ceil(Math.sqrt(n)));
    if (!(Number.isInteger(columns) && columns >= 1)) throw new OptionError('columns', `must be a positive integer, got ${options.columns}`);
    const cellW = options.cellWidth ?? 160;
    const gap = options.gap ?? 8;
    const titleSize = options.titleSize ?? 11;
    const cellH = cellW * Math.max(...data.images.map((g) => g.image.height / g.image.width));
    const hasTitles = data.images.some((g) => g.title);
    const captionH = hasTitles ? titleSize + 6 : 0;
    const top = options.title ? 26 : 0;
    const rows = Math.ceil(n / columns);
    const body: string[] = [];
    if (options.title) body.push(svgText(gap, 18, options.title, { size: 14, anchor: 'start' }));
    for (const [i, g] of data.images.entries()) {
      const cx = gap + (i % columns) * (cellW + gap);
      const cy = top + gap + Math.floor(i / columns) * (cellH + captionH + gap);
      const scale = Math.min(cellW / g.image.width, cellH / g.image.height);
      const w = g.image.width * scale;
      const h = g.image.height * scale;
      if (g.title) body.push(svgText(cx + cellW / 2, cy + titleSize, fitText(g.title, cellW, titleSize), { size: titleSize }));
      const uri = await rgbaDataUri(toRgba8(g.image, g.range), g.image.width, g.image.height, w, h);
      body.push(svgImage(cx + (cellW - w) / 2, cy + captionH + (cellH - h) / 2, w, h, uri));
    }
    return svgDocument(gap + columns * (cellW + gap), top + gap + rows * (cellH + captionH + gap), body);
  },
};
