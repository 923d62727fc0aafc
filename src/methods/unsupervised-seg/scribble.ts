// Scribble masks for feature clustering with user input (Kim et al. 2020, Sec. III-D): a grey
// image the size of the photo, 255 = unlabelled, any other value = the class index of a scribble.
import { readImage } from '../../io/index.js';
import { InputError, OptionError } from '../../util/errors.js';

/** Value of unscribbled pixels. */
export const UNLABELLED = 255;

/** A scribble mask, row-major [H, W]. */
export interface ScribbleMask {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/** Sorted scribble classes present; throws when the mask does not fit the image or the network. */
export function scribbleClasses(mask: ScribbleMask, expect: { width: number; height: number; channels: number }, name = 'scribble'): number[] {
  if (mask.width !== expect.width || mask.height !== expect.height) {
    throw new OptionError(name, `is ${mask.width}x${mask.height} but the image is ${expect.width}x${expect.height}`);
  }
  if (mask.data.length !== mask.width * mask.height) throw new OptionError(name, `has ${mask.data.length} values for ${mask.width}x${mask.height} pixels`);
  const seen = new Set<number>();
  for (const v of mask.data) if (v !== UNLABELLED) seen.add(v);
  const classes = [...seen].sort((a, b) => a - b);
  if (classes.length === 0) throw new OptionError(name, `has no scribbled pixel (every value is ${UNLABELLED})`);
  const top = classes[classes.length - 1];
  if (top >= expect.channels) throw new OptionError(name, `has class ${top} but the network has only ${expect.channels} channels`);
  return classes;
}

/** Reads a scribble mask: an 8-bit single-channel PNG (or any 8-bit image; its first channel is used). */
export async function readScribble(path: string): Promise<ScribbleMask> {
  const img = await readImage(path);
  if (img.bitDepth !== 8) throw new InputError(path, `scribble masks must be 8-bit, this one is ${img.bitDepth}-bit`);
  const n = img.width * img.height;
  const data = new Uint8Array(n);
  for (let i = 0; i < n; i++) data[i] = img.data[i * img.channels];
  return { data, width: img.width, height: img.height };
}

/** Checks a mask read from `path` against an image, re-throwing problems as an InputError naming the file. */
export function checkScribbleFile(path: string, mask: ScribbleMask, expect: { width: number; height: number; channels: number }): number[] {
  try {
    return scribbleClasses(mask, expect);
  } catch (err) {
    if (err instanceof OptionError) throw new InputError(path, err.message.replace(/^scribble: /, 'scribble mask '));
    throw err;
  }
}
