// kensa's nn: modules, layers, initialisers and functions, shaped like torch.nn.
export { Module, type TensorModule, type LoadStateOptions, type LoadStateResult } from './module.js';
export { Conv2d, ConvTranspose2d, Conv3d, type Conv2dOptions, type ConvTranspose2dOptions, type Conv3dOptions } from './conv.js';
export { Linear } from './linear.js';
export { BatchNorm1d, BatchNorm2d, BatchNorm3d, InstanceNorm2d, type NormOptions } from './norm.js';
export { SyncBatchNorm, syncBatchNorm, isSyncBatchNorm } from './sync-batch-norm.js';
export { ReLU, LeakyReLU, Sigmoid, Tanh, Dropout, Identity, Flatten } from './activation.js';
export { MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, Upsample } from './pooling.js';
export { ReflectionPad2d, type Padding2d } from './padding.js';
export { Sequential, type IntermediatesResult } from './container.js';
export * as init from './init.js';
export * as F from './functional.js';
