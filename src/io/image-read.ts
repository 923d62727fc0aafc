// Read PNG, JPEG and TIFF (all pages) through sharp into plain typed arrays, values as stored.
import sharp, { type Metadata, type OutputInfo } from 'sharp';
import { InputError } from '../util/errors.js';
import type { BitDepth, ChannelCount, Image2D, ImageStack } from './types.js';
import { UNRECOGNISED, detectFormat, oneLine, readHead } from './sniff.js';

/** Options of `readImage`. */
export interface ReadImageOptions {
  /** Page of a multi-page TIFF to read, zero-based. @default 0 */
  page?: number;
}

/** What sharp reports about a 2-D image file, checked. */
export interface ImageHeader {
  format: 'png' | 'jpeg' | 'tiff';
  width: number;
  height: number;
  channels: ChannelCount;
  bitDepth: BitDepth;
  pages: number;
}

const IMAGE_FORMATS = new Set(['png', 'jpeg', 'tiff']);

/** Header of a PNG/JPEG/TIFF file (size, channels, bit depth, pages) without decoding pixels. */
export async function readImageHeader(path: string): Promise<ImageHeader> {
  const fmt = detectFormat(await readHead(path));
  if (fmt === undefined) throw new InputError(path, UNRECOGNISED);
  if (!IMAGE_FORMATS.has(fmt)) throw new InputError(path, `is a ${fmt === 'dicom' ? 'DICOM' : 'NIfTI'} file, not a PNG/JPEG/TIFF image`);
  let meta: Metadata;
  try {
    meta = await sharp(path).metadata();
  } catch (err) {
    throw new InputError(path, `cannot decode ${fmt.toUpperCase()} header: ${oneLine(err)}`);
  }
  const { width, height } = meta;
  if (!width || !height) throw new InputError(path, 'image has no width or height');
  let bitDepth: BitDepth;
  if (meta.depth === 'uchar') bitDepth = 8;
  else if (meta.depth === 'ushort') bitDepth = 16;
  else throw new InputError(path, `unsupported sample type ${meta.depth} (8- and 16-bit unsigned only)`);
  const grey = meta.space === 'b-w' || meta.space === 'grey16';
  // CMYK and palette images come out as RGB(A).
  const channels = (grey ? (meta.hasAlpha ? 2 : 1) : meta.hasAlpha ? 4 : 3) as ChannelCount;
  return { format: fmt as ImageHeader['format'], width, height, channels, bitDepth, pages: meta.pages ?? 1 };
}

/** Decode pages [page, page + count) stacked vertically; values as stored, no colour management. */
async function decode(path: string, head: ImageHeader, page: number, count: number): Promise<Uint8Array | Uint16Array> {
  const grey = head.channels <= 2;
  let pipe = sharp(path, { ignoreIcc: true, page, pages: count, limitInputPixels: false });
  let pickGreyAlpha = false;
  if (head.bitDepth === 16) pipe = pipe.toColourspace(grey ? 'grey16' : 'rgb16');
  else if (grey && head.channels === 1) pipe = pipe.toColourspace('b-w');
  else if (grey) pickGreyAlpha = true; // 8-bit grey+alpha: 'b-w' would drop alpha, so go via RGBA
  let out: { data: Buffer; info: OutputInfo };
  try {
    out = await pipe.raw(head.bitDepth === 16 ? { depth: 'ushort' } : {}).toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw new InputError(path, `cannot decode ${head.format.toUpperCase()} pixels: ${oneLine(err)}`);
  }
  const { data, info } = out;
  const n = head.width * head.height * count;
  if (pickGreyAlpha) {
    if (info.channels !== 4) throw new InputError(path, `expected 4 decoded channels for grey+alpha, got ${info.channels}`);
    const ga = new Uint8Array(n * 2);
    for (let i = 0; i < n; i++) {
      ga[2 * i] = data[4 * i];
      ga[2 * i + 1] = data[4 * i + 3];
    }
    return ga;
  }
  if (info.channels !== head.channels || info.width !== head.width || info.height !== head.height * count) {
    throw new InputError(path, `decoded ${info.width}x${info.height}x${info.channels}, header says ${head.width}x${head.height * count}x${head.channels}`);
  }
  if (head.bitDepth === 8) return new Uint8Array(data.buffer, data.byteOffset, data.length);
  const copy = new Uint8Array(data); // aligned copy for the 16-bit view
  return new Uint16Array(copy.buffer, 0, copy.length / 2);
}

function pageOf(head: ImageHeader, data: Uint8Array | Uint16Array): Image2D {
  return { width: head.width, height: head.height, channels: head.channels, bitDepth: head.bitDepth, data };
}

/** Read one page of a PNG, JPEG or TIFF as stored: grey stays 1 channel, 16-bit stays 16-bit. */
export async function readImage(path: string, options: ReadImageOptions = {}): Promise<Image2D> {
  const page = options.page ?? 0;
  const head = await readImageHeader(path);
  if (!Number.isInteger(page) || page < 0 || page >= head.pages) {
    throw new InputError(path, `has ${head.pages} page(s), page ${page} requested`);
  }
  return pageOf(head, await decode(path, head, page, 1));
}

/** Read every page of a (multi-page) TIFF; other images give a stack of one. Pages must share size and type. */
export async function readImageStack(path: string): Promise<ImageStack> {
  const head = await readImageHeader(path);
  const all = await decode(path, head, 0, head.pages);
  const per = head.width * head.height * head.channels;
  const pages: Image2D[] = [];
  for (let p = 0; p < head.pages; p++) pages.push(pageOf(head, all.subarray(p * per, (p + 1) * per)));
  return { width: head.width, height: head.height, channels: head.channels, bitDepth: head.bitDepth, pages };
}
