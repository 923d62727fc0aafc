// Optimizers and learning-rate schedules.
export { Optimizer, type ParamGroup, type OptimizerState } from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, AdamW, type AdamOptions } from './adam.js';
export * from './schedule.js';
