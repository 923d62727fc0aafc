// Reductions along dims, order statistics (max/min with indices, top-k, sort) and unique.
import { Tensor, call, callOp, opId } from './tensor.js';

export type Dims = number | readonly number[];

export interface ValuesIndices {
  values: Tensor;
  /** int64 positions along the reduced dim */
  indices: Tensor;
}

export interface UniqueResult {
  values: Tensor;
  inverse?: Tensor;
  counts?: Tensor;
}

declare module './tensor.js' {
  interface Tensor {
    /** Sum of all elements, or along dims. */
    sum(dims?: Dims, keepdim?: boolean): Tensor;
    mean(dims?: Dims, keepdim?: boolean): Tensor;
    prod(dim?: number, keepdim?: boolean): Tensor;
    /** Standard deviation; unbiased (n-1) by default, like PyTorch. */
    std(dims?: Dims, unbiased?: boolean, keepdim?: boolean): Tensor;
    var(dims?: Dims, unbiased?: boolean, keepdim?: boolean): Tensor;
    /** p-norm over all elements or along dims. @default p = 2 */
    norm(p?: number, dims?: Dims, keepdim?: boolean): Tensor;
    logsumexp(dims: Dims, keepdim?: boolean): Tensor;
    /** Largest element (no dim) as a 0-d tensor. */
    max(): Tensor;
    /** Largest along dim with its position. */
    maxDim(dim: number, keepdim?: boolean): ValuesIndices;
    min(): Tensor;
    minDim(dim: number, keepdim?: boolean): ValuesIndices;
    amax(dims: Dims, keepdim?: boolean): Tensor;
    amin(dims: Dims, keepdim?: boolean): Tensor;
    argmax(dim?: number, keepdim?: boolean): Tensor;
    argmin(dim?: number, keepdim?: boolean): Tensor;
    median(): Tensor;
    all(): Tensor;
    any(): Tensor;
    cumsum(dim: number): Tensor;
    topk(k: number, dim?: number, largest?: boolean, sorted?: boolean): ValuesIndices;
    sort(dim?: number, descending?: boolean): ValuesIndices;
    argsort(dim?: number, descending?: boolean): Tensor;
    /** Sorted distinct values, optionally with inverse indices and counts. */
    unique(opts?: { inverse?: boolean; counts?: boolean }): UniqueResult;
  }
}

const P = Tensor.prototype;
const dimList = (d: Dims): readonly number[] => (typeof d === 'number' ? [d] : d);

P.sum = function (dims, keepdim = false) {
  return dims === undefined ? call(opId('sum'), this) : call(opId('sum', 'dim_IntList'), this, dimList(dims), keepdim);
};
P.mean = function (dims, keepdim = false) {
  return dims === undefined ? call(opId('mean'), this) : call(opId('mean', 'dim'), this, dimList(dims), keepdim);
};
P.prod = function (dim, keepdim = false) {
  return dim === undefined ? call(opId('prod'), this) : call(opId('prod', 'dim_int'), this, dim, keepdim);
};
P.std = function (dims, unbiased = true, keepdim = false) {
  return call(opId('std', 'dim'), this, dims === undefined ? undefined : dimList(dims), unbiased, keepdim);
};
P.var = function (dims, unbiased = true, keepdim = false) {
  return call(opId('var', 'dim'), this, dims === undefined ? undefined : dimList(dims), unbiased, keepdim);
};
P.norm = function (p = 2, dims, keepdim = false) {
  return dims === undefined ? call(opId('norm', 'Scalar'), this, p) : call(opId('norm', 'ScalarOpt_dim'), this, p, dimList(dims), keepdim);
};
P.logsumexp = function (dims, keepdim = false) {
  return call(opId('logsumexp'), this, dimList(dims), keepdim);
};
P.max = function () {
  return call(opId('max'), this);
};
P.min = function () {
  return call(opId('min'), this);
};
P.maxDim = function (dim, keepdim = false) {
  const [values, indices] = callOp(opId('max', 'dim'), this, dim, keepdim) as Tensor[];
  return { values, indices };
};
P.minDim = function (dim, keepdim = false) {
  const [values, indices] = callOp(opId('min', 'dim'), this, dim, keepdim) as Tensor[];
  return { values, indices };
};
P.amax = function (dims, keepdim = false) {
  return call(opId('amax'), this, dimList(dims), keepdim);
};
P.amin = function (dims, keepdim = false) {
  return call(opId('amin'), this, dimList(dims), keepdim);
};
P.argmax = function (dim, keepdim = false) {
  return call(opId('argmax'), this, dim, keepdim);
};
P.argmin = function (dim, keepdim = false) {
  return call(opId('argmin'), this, dim, keepdim);
};
P.median = function () {
  return call(opId('median'), this);
};
P.all = function () {
  return call(opId('all'), this);
};
P.any = function () {
  return call(opId('any'), this);
};
P.cumsum = function (dim) {
  return call(opId('cumsum'), this, dim);
};
P.topk = function (k, dim = -1, largest = true, sorted = true) {
  const [values, indices] = callOp(opId('topk'), this, k, dim, largest, sorted) as Tensor[];
  return { values, indices };
};
P.sort = function (dim = -1, descending = false) {
  const [values, indices] = callOp(opId('sort', 'stable'), this, true, dim, descending) as Tensor[];
  return { values, indices };
};
P.argsort = function (dim = -1, descending = false) {
  const { values, indices } = this.sort(dim, descending);
  values.dispose();
  return indices;
};
P.unique = function (opts = {}) {
  const [values, inverse, counts] = callOp(opId('_unique2'), this, true, opts.inverse ?? false, opts.counts ?? false) as Tensor[];
  const out: UniqueResult = { values };
  if (opts.inverse) out.inverse = inverse;
  else inverse.dispose();
  if (opts.counts) out.counts = counts;
  else counts.dispose();
  return out;
};
