// Seeded random transforms for image + mask samples (randomise, then apply).
export { RandCompose, augment, checkSample } from './transform.js';
export type { RandomTransform, SampleSize } from './transform.js';
export { RandFlip, RandRotate90, flipPlanes, rot90Planes } from './flip-rotate.js';
export type { FlipParams, RandFlipOptions, RandRotate90Options, Rotate90Params } from './flip-rotate.js';
export { RandAffine, inverseAffineMatrix, warpPlanes } from './affine.js';
export type { AffineParams, RandAffineOptions } from './affine.js';
export { RandBrightnessContrast, RandGaussianNoise } from './intensity.js';
export type { BrightnessContrastParams, GaussianNoiseParams, RandBrightnessContrastOptions, RandGaussianNoiseOptions } from './intensity.js';
export { RandCrop } from './crop.js';
export type { CropParams, RandCropOptions } from './crop.js';
