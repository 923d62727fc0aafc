// Classical unsupervised-segmentation baselines: blank, colour k-means, Felzenszwalb-Huttenlocher.
export * from './rgb-image.js';
export type { BaselineSegmentation, SegmentationBaseline } from './segmentation-baseline.js';
export * from './blank.js';
export * from './kmeans-colour.js';
export * from './felzenszwalb.js';
export * from './registry.js';
