// Image and volume I/O: PNG/JPEG/TIFF (sharp), NIfTI-1, DICOM; every reader throws InputError on bad files.
export type * from './types.js';
export { readImage, readImageHeader, readImageStack } from './image-read.js';
export type { ImageHeader, ReadImageOptions } from './image-read.js';
export { toFloatPlanes, toGrey } from './image-convert.js';
export type { ToFloatPlanesOptions, ToGreyOptions } from './image-convert.js';
export { encodePng, writePng } from './png-write.js';
export type { WritePngOptions } from './png-write.js';
export { readNifti, readNiftiHeader } from './nifti-read.js';
export type { ReadNiftiOptions } from './nifti-read.js';
export { writeNifti } from './nifti-write.js';
export type { NiftiWriteDtype, VolumeToWrite, WriteNiftiOptions } from './nifti-write.js';
export { axisCodes, axisOrientations, isCanonical, reorient, toCanonical } from './orientation.js';
export type { AxisOrientation } from './orientation.js';
export { headerAffine } from './affine.js';
export { readDicom, readDicomHeader } from './dicom-read.js';
export type { DicomHeader } from './dicom-read.js';
export { fileInfo } from './file-info.js';
export { writeFileAtomic } from './atomic-write.js';
