// kensa's tensor engine: libtorch tensors with autograd, driven from TypeScript.
import './tensor-math.js';
import './tensor-shape.js';
import './tensor-reduce.js';

export { Tensor, grad, noGrad, enableGrad, isGradEnabled, opId, opSchema, callOp, callAsync } from './tensor.js';
export type { BackwardOptions, NestedArray } from './tensor.js';
export * from './creation.js';
export { cat, stack, where, pad, einsum } from './tensor-shape.js';
export type { PadMode } from './tensor-shape.js';
export type { Dims, ValuesIndices, UniqueResult } from './tensor-reduce.js';
export { tidy, keep, dispose, scopeDepth } from './scope.js';
export type { DType, TypedArray } from './dtype.js';
export type { BlasPolicy, MallocPolicy } from './native.js';
export { isFloating } from './dtype.js';
