// What a file holds (kind, shape, sample type, spacing): the answer of `kensa info FILE --json`.
import { InputError } from '../util/errors.js';
import { readDicomHeader } from './dicom-read.js';
import { readImage, readImageHeader, readImageStack } from './image-read.js';
import { NIFTI_DTYPES } from './nifti-header.js';
import { readNiftiHeader } from './nifti-read.js';
import { UNRECOGNISED, detectFormat, readHead } from './sniff.js';
import type { FileInfo } from './types.js';

/**
 * Kind, shape, on-disk sample type and spacing of an image, TIFF stack, NIfTI volume or DICOM
 * file. The file is checked as the readers would (images are decoded, volumes and DICOM checked
 * for length), so a file that passes can be read; bad files give InputError.
 */
export async function fileInfo(path: string): Promise<FileInfo> {
  const fmt = detectFormat(await readHead(path));
  switch (fmt) {
    case 'png':
    case 'jpeg':
    case 'tiff': {
      const h = await readImageHeader(path);
      const dtype = h.bitDepth === 16 ? 'uint16' : 'uint8';
      if (h.pages > 1) {
        await readImageStack(path);
        return { kind: 'image-stack', shape: [h.pages, h.height, h.width, h.channels], dtype };
      }
      await readImage(path);
      return { kind: 'image', shape: [h.height, h.width, h.channels], dtype };
    }
    case 'nifti':
    case 'gzip': {
      const h = await readNiftiHeader(path);
      const n = h.dim[0];
      return {
        kind: 'volume',
        shape: h.dim.slice(1, n + 1),
        dtype: NIFTI_DTYPES.get(h.datatype)!.dtype,
        spacing: h.pixdim.slice(1, n + 1).map(Math.abs),
      };
    }
    case 'dicom': {
      const h = await readDicomHeader(path);
      const info: FileInfo = {
        kind: 'dicom',
        shape: [h.height, h.width],
        dtype: `${h.pixelRepresentation === 1 ? 'int' : 'uint'}${h.bitsAllocated}`,
      };
      if (h.pixelSpacing) info.spacing = [...h.pixelSpacing];
      return info;
    }
    default:
      throw new InputError(path, UNRECOGNISED);
  }
}
