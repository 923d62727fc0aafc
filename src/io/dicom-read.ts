// Read single-frame grey DICOM Part 10 files (uncompressed transfer syntaxes) into typed arrays.
// Elements are parsed by the npm package dicom-parser; pixel decoding and checks are ours.
import { createRequire } from 'node:module';
import type { DataSet } from 'dicom-parser';
import { InputError } from '../util/errors.js';
import { oneLine, readWhole } from './sniff.js';
import type { DicomImage } from './types.js';

const dicomParser = createRequire(import.meta.url)('dicom-parser') as typeof import('dicom-parser');

/** Uncompressed transfer syntaxes kensa reads, with their byte order. */
const NATIVE: Record<string, { littleEndian: boolean; name: string }> = {
  '1.2.840.10008.1.2': { littleEndian: true, name: 'implicit VR little endian' },
  '1.2.840.10008.1.2.1': { littleEndian: true, name: 'explicit VR little endian' },
  '1.2.840.10008.1.2.2': { littleEndian: false, name: 'explicit VR big endian' },
};

/** Names of common compressed transfer syntaxes, for the refusal message. */
const COMPRESSED: Record<string, string> = {
  '1.2.840.10008.1.2.1.99': 'deflated explicit VR little endian',
  '1.2.840.10008.1.2.4.50': 'JPEG baseline',
  '1.2.840.10008.1.2.4.51': 'JPEG extended',
  '1.2.840.10008.1.2.4.57': 'JPEG lossless',
  '1.2.840.10008.1.2.4.70': 'JPEG lossless SV1',
  '1.2.840.10008.1.2.4.80': 'JPEG-LS lossless',
  '1.2.840.10008.1.2.4.81': 'JPEG-LS near-lossless',
  '1.2.840.10008.1.2.4.90': 'JPEG 2000 lossless',
  '1.2.840.10008.1.2.4.91': 'JPEG 2000',
  '1.2.840.10008.1.2.4.201': 'HTJ2K lossless',
  '1.2.840.10008.1.2.4.203': 'HTJ2K',
  '1.2.840.10008.1.2.5': 'RLE lossless',
};

/** Header fields of a DICOM image, checked, without the pixels. */
export type DicomHeader = Omit<DicomImage, 'stored' | 'data'> & { frames: number; samplesPerPixel: number };

interface Parsed {
  ds: DataSet;
  header: DicomHeader;
  pixelOffset: number;
  littleEndian: boolean;
}

function parse(path: string, bytes: Uint8Array): Parsed {
  if (bytes.length < 132 || Buffer.from(bytes.subarray(128, 132)).toString('latin1') !== 'DICM') {
    throw new InputError(path, 'not a DICOM Part 10 file (no "DICM" at byte 128)');
  }
  let ds: DataSet;
  try {
    ds = dicomParser.parseDicom(bytes);
  } catch (err) {
    throw new InputError(path, `truncated or garbled DICOM: ${oneLine(err)}`);
  }
  const ts = (ds.string('x00020010') ?? '').replace(/\0/g, '').trim();
  if (!ts) throw new InputError(path, 'DICOM file meta has no transfer syntax (0002,0010)');
  const native = NATIVE[ts];
  if (!native) {
    const name = COMPRESSED[ts];
    throw new InputError(path, `${name ? `compressed transfer syntax ${name}` : 'unsupported transfer syntax'} (${ts}); only uncompressed DICOM is read: decompress first, e.g. with gdcmconv --raw`);
  }
  const need = (tag: string, what: string): number => {
    const v = ds.uint16(tag);
    if (v === undefined) throw new InputError(path, `DICOM has no ${what} (${tag.slice(1, 5)},${tag.slice(5)})`);
    return v;
  };
  const height = need('x00280010', 'Rows');
  const width = need('x00280011', 'Columns');
  const bitsAllocated = need('x00280100', 'BitsAllocated');
  const bitsStored = ds.uint16('x00280101') ?? bitsAllocated;
  const pixelRepresentation = ds.uint16('x00280103') ?? 0;
  const samplesPerPixel = ds.uint16('x00280002') ?? 1;
  const frames = ds.intString('x00280008') ?? 1;
  if (width < 1 || height < 1) throw new InputError(path, `DICOM image is ${width}x${height}`);
  if (bitsAllocated !== 8 && bitsAllocated !== 16) throw new InputError(path, `BitsAllocated ${bitsAllocated} is not supported (8 or 16)`);
  if (bitsStored < 1 || bitsStored > bitsAllocated) throw new InputError(path, `bad BitsStored ${bitsStored} for BitsAllocated ${bitsAllocated}`);
  if (pixelRepresentation !== 0 && pixelRepresentation !== 1) throw new InputError(path, `bad PixelRepresentation ${pixelRepresentation}`);
  if (samplesPerPixel !== 1) throw new InputError(path, `colour DICOM (SamplesPerPixel ${samplesPerPixel}) is not supported, grey only`);
  if (frames !== 1) throw new InputError(path, `multi-frame DICOM (${frames} frames) is not supported, single frame only`);
  const pixel = ds.elements.x7fe00010;
  if (!pixel) throw new InputError(path, 'DICOM has no pixel data (7FE0,0010)');
  if (pixel.encapsulatedPixelData) throw new InputError(path, `pixel data is encapsulated (compressed) although the transfer syntax is ${ts}`);
  const needBytes = width * height * (bitsAllocated / 8);
  if (pixel.length < needBytes || pixel.dataOffset + needBytes > bytes.length) {
    throw new InputError(path, `truncated pixel data: ${width}x${height}x${bitsAllocated / 8} bytes needed, ${Math.min(pixel.length, bytes.length - pixel.dataOffset)} present`);
  }
  const slope = ds.floatString('x00281053');
  const inter = ds.floatString('x00281052');
  const rowSpacing = ds.floatString('x00280030', 0);
  const colSpacing = ds.floatString('x00280030', 1);
  const thickness = ds.floatString('x00180050');
  const header: DicomHeader = {
    width,
    height,
    rescaleSlope: slope !== undefined && Number.isFinite(slope) ? slope : 1,
    rescaleIntercept: inter !== undefined && Number.isFinite(inter) ? inter : 0,
    bitsAllocated: bitsAllocated as 8 | 16,
    bitsStored,
    pixelRepresentation: pixelRepresentation as 0 | 1,
    photometricInterpretation: (ds.string('x00280004') ?? '').trim(),
    transferSyntax: ts,
    frames,
    samplesPerPixel,
  };
  if (rowSpacing !== undefined && colSpacing !== undefined && Number.isFinite(rowSpacing) && Number.isFinite(colSpacing)) header.pixelSpacing = [rowSpacing, colSpacing];
  if (thickness !== undefined && Number.isFinite(thickness)) header.sliceThickness = thickness;
  const modality = ds.string('x00080060')?.trim();
  if (modality) header.modality = modality;
  return { ds, header, pixelOffset: pixel.dataOffset, littleEndian: native.littleEndian };
}

/** Header of a DICOM file (size, bits, rescale, spacing), checked, without decoding pixels. */
export async function readDicomHeader(path: string): Promise<DicomHeader> {
  return parse(path, await readWhole(path)).header;
}

/**
 * Read a single-frame grey DICOM image. `stored` holds the BitsStored-bit values (bits above
 * them, e.g. overlays, masked off; sign-extended when PixelRepresentation is 1); `data` is the
 * modality value stored * RescaleSlope + RescaleIntercept (e.g. Hounsfield units for CT).
 */
export async function readDicom(path: string): Promise<DicomImage> {
  const bytes = await readWhole(path);
  const { header, pixelOffset, littleEndian } = parse(path, bytes);
  const { frames: _f, samplesPerPixel: _s, ...meta } = header;
  const n = header.width * header.height;
  const dv = new DataView(bytes.buffer, bytes.byteOffset + pixelOffset, n * (header.bitsAllocated / 8));
  const bits = header.bitsStored;
  const mask = bits >= 32 ? 0xffffffff : (1 << bits) - 1;
  const signBit = 1 << (bits - 1);
  const signed = header.pixelRepresentation === 1;
  const stored = new Int32Array(n);
  const data = new Float32Array(n);
  const { rescaleSlope: slope, rescaleIntercept: inter } = header;
  for (let i = 0; i < n; i++) {
    let v = (header.bitsAllocated === 16 ? dv.getUint16(2 * i, littleEndian) : dv.getUint8(i)) & mask;
    if (signed && v & signBit) v -= mask + 1;
    stored[i] = v;
    data[i] = v * slope + inter;
  }
  return { ...meta, stored, data };
}
