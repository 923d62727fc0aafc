// Decode image files (sharp, off the main thread) into float [C,H,W] planes and label masks.
import { readImage, toFloatPlanes, toGrey } from '../io/index.js';
import { OptionError } from '../util/errors.js';
import type { Box, ImageTensorLike } from './types.js';
import { cropImage } from './tiling.js';

/** Options of `loadImage`. */
export interface LoadImageOptions {
  /** 'grey': one channel (BT.601 luma of RGB); 'keep': the file's channels, alpha dropped. @default 'grey' */
  channels?: 'grey' | 'keep';
  /** 'unit': values divided by 255 or 65535; 'none': stored values. @default 'unit' */
  scale?: 'unit' | 'none';
  /** Keep only this rectangle (e.g. to drop a microscope's info bar). @default the whole image */
  crop?: Box;
}

/** Read an image file as float planes [C,H,W]. */
export async function loadImage(path: string, options: LoadImageOptions = {}): Promise<ImageTensorLike> {
  const mode = options.channels ?? 'grey';
  if (mode !== 'grey' && mode !== 'keep') throw new OptionError('channels', `must be 'grey' or 'keep', got ${String(mode)}`);
  let img = await readImage(path);
  if (mode === 'grey') img = toGrey(img);
  const planes = toFloatPlanes(img, { scale: options.scale ?? 'unit', dropAlpha: true });
  return options.crop ? cropImage(planes, options.crop) : planes;
}

/** Options of `loadMask`. */
export interface LoadMaskOptions {
  /**
   * Map stored values to classes: a number t gives 1 where value > t, else 0; an object maps
   * stored values to class indices (values not listed are an error); 'none' keeps stored values.
   * @default 'none'
   */
  values?: number | Record<number, number> | 'none';
  /** Keep only this rectangle. @default the whole mask */
  crop?: Box;
}

/** Read a label mask (channel 0 of the file) as one float plane of class indices. */
export async function loadMask(path: string, options: LoadMaskOptions = {}): Promise<ImageTensorLike> {
  const img = toGrey(await readImage(path), { method: 'channel0' });
  const planes = toFloatPlanes(img, { scale: 'none' });
  const v = options.values ?? 'none';
  const d = planes.data;
  if (typeof v === 'number') {
    for (let i = 0; i < d.length; i++) d[i] = d[i] > v ? 1 : 0;
  } else if (v !== 'none') {
    const table = new Map(Object.entries(v).map(([k, c]) => [Number(k), c]));
    for (let i = 0; i < d.length; i++) {
      const c = table.get(d[i]);
      if (c === undefined) throw new OptionError('values', `${path} holds the value ${d[i]}, which the mapping does not list`);
      d[i] = c;
    }
  }
  return options.crop ? cropImage(planes, options.crop) : planes;
}
