// Public types of the image and volume I/O layer. Implementations live in the sibling files.

/** Bits per sample of a 2-D image. */
export type BitDepth = 8 | 16;

/** Samples per pixel: 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA. */
export type ChannelCount = 1 | 2 | 3 | 4;

/** A 2-D raster as stored in the file, without colour management. */
export interface Image2D {
  width: number;
  height: number;
  channels: ChannelCount;
  bitDepth: BitDepth;
  /** [H,W,C] interleaved: sample (y, x, c) is at `(y * width + x) * channels + c`. */
  data: Uint8Array | Uint16Array;
}

/** All pages of a multi-page TIFF (or a single-page image as a stack of one). */
export interface ImageStack {
  width: number;
  height: number;
  channels: ChannelCount;
  bitDepth: BitDepth;
  /** One image per page, all with the same size, channels and bit depth. */
  pages: Image2D[];
}

/** Float planes for a network input. */
export interface FloatPlanes {
  channels: number;
  height: number;
  width: number;
  /** [C,H,W]: sample (c, y, x) is at `(c * height + y) * width + x`. */
  data: Float32Array;
}

/** On-disk voxel type of a NIfTI file. */
export type NiftiDtype =
  | 'uint8'
  | 'int8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'float32'
  | 'float64';

/** 4x4 row-major matrix mapping a voxel index (i, j, k, 1) to world millimetres (RAS+). */
export type Affine = number[][];

/** A 3-D scalar volume. */
export interface Volume {
  /** [X,Y,Z] voxels. A 2-D file has Z = 1. */
  shape: [number, number, number];
  /** Voxel size in mm along each array axis (absolute pixdim[1..3]). */
  spacing: [number, number, number];
  /** Voxel index to world (RAS+ mm). */
  affine: Affine;
  /**
   * Values with scl_slope/scl_inter already applied, as Float32 (integers up to 2^24 are exact).
   * Fortran order as on disk: voxel (x, y, z) is at `x + X * (y + Y * z)`.
   */
  data: Float32Array;
}

/** A volume read from a NIfTI file: the values plus where they came from. */
export interface NiftiVolume extends Volume {
  /** Voxel type on disk, before scaling. */
  dtype: NiftiDtype;
  /** The parsed header. */
  header: NiftiHeader;
}

/** Fields of a NIfTI-1 header that kensa uses (names as in nifti1.h, camelCased). */
export interface NiftiHeader {
  littleEndian: boolean;
  /** dim[0..7]: dim[0] is the number of dimensions. */
  dim: number[];
  datatype: number;
  bitpix: number;
  /** pixdim[0..7]: pixdim[0] is qfac (-1 or 1). */
  pixdim: number[];
  voxOffset: number;
  /** Raw scl_slope; 0 or non-finite means no scaling. */
  sclSlope: number;
  sclInter: number;
  xyztUnits: number;
  descrip: string;
  qformCode: number;
  sformCode: number;
  quaternB: number;
  quaternC: number;
  quaternD: number;
  qoffsetX: number;
  qoffsetY: number;
  qoffsetZ: number;
  /** srow_x, srow_y, srow_z. */
  srow: [number[], number[], number[]];
  /** 'n+1' for single-file NIfTI-1. */
  magic: string;
}

/** One grey DICOM frame. */
export interface DicomImage {
  /** Columns. */
  width: number;
  /** Rows. */
  height: number;
  /** Stored values (BitsStored, sign-extended when PixelRepresentation is 1), [H,W]. */
  stored: Int32Array;
  /** stored * RescaleSlope + RescaleIntercept, [H,W]. */
  data: Float32Array;
  /** PixelSpacing in mm as [row spacing, column spacing], when present. */
  pixelSpacing?: [number, number];
  sliceThickness?: number;
  rescaleSlope: number;
  rescaleIntercept: number;
  bitsAllocated: 8 | 16;
  bitsStored: number;
  /** 0 unsigned, 1 two's complement. */
  pixelRepresentation: 0 | 1;
  photometricInterpretation: string;
  transferSyntax: string;
  modality?: string;
}

/** What `kensa info FILE --json` prints. */
export interface FileInfo {
  kind: 'image' | 'image-stack' | 'volume' | 'dicom';
  /** image: [H,W,C]; image-stack: [P,H,W,C]; volume: dim[1..dim[0]]; dicom: [Rows, Columns]. */
  shape: number[];
  /** Sample type on disk, e.g. 'uint8', 'uint16', 'int16', 'float32'. */
  dtype: string;
  /** volume: pixdim per axis (mm, s); dicom: PixelSpacing [row, column] in mm. */
  spacing?: number[];
}
