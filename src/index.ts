// kensa's library surface: the tensor engine, nn, optimizers, models, I/O, metrics and reports.
export * from './engine/index.js';
export * as nn from './nn/index.js';
export * as optim from './optim/index.js';
export * as models from './models/index.js';
export * as io from './io/index.js';
export * as metrics from './metrics/index.js';
export * as report from './report/index.js';
export { InputError, OptionError } from './util/errors.js';
