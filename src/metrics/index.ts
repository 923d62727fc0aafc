// Public surface of the metrics: open-set (unknown detection), closed-set classification, segmentation.
export * from './binary-clf-curve.js';
export * from './roc-curve.js';
export * from './auroc.js';
export * from './average-precision.js';
export * from './aupr.js';
export * from './fpr-at-tpr.js';
export * from './threshold-calibration.js';
export * from './classification.js';
export type { OpenSetMetric } from './open-set-metric.js';
export * from './open-set-registry.js';
export * from './label-map.js';
export * from './contingency.js';
export * from './connected-components.js';
export * from './rand-index.js';
export * from './variation-of-information.js';
export * from './best-match-miou.js';
export type { SegmentationMetric } from './segmentation-metric.js';
export * from './segmentation-registry.js';
