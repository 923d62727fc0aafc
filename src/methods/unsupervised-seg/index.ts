// Unsupervised segmentation: differentiable feature clustering (Kim, Kanezaki & Tanaka 2020) with
// scribbles and reference mode, its image I/O, and folder evaluation (baselines live in baselines/).
export * from './feature-clustering-loss.js';
export * from './feature-clustering.js';
export * from './scribble.js';
export * from './reference-mode.js';
export * from './image-input.js';
export * from './label-output.js';
export * from './evaluate-folder.js';
