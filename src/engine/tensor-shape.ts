// Shape and indexing: views, permutations, joins and splits, gathers and scatters, padding.
import { Tensor, call, callOp, opId } from './tensor.js';

declare module './tensor.js' {
  interface Tensor {
    reshape(shape: readonly number[]): Tensor;
    /** A view with a new shape (the data must be laid out compatibly; see reshape). */
    view(shape: readonly number[]): Tensor;
    permute(dims: readonly number[]): Tensor;
    transpose(dim0: number, dim1: number): Tensor;
    /** Transpose of a 2-D tensor. */
    t(): Tensor;
    flatten(startDim?: number, endDim?: number): Tensor;
    squeeze(dim?: number): Tensor;
    unsqueeze(dim: number): Tensor;
    expand(shape: readonly number[]): Tensor;
    expandAs(other: Tensor): Tensor;
    repeat(times: readonly number[]): Tensor;
    flip(dims: readonly number[]): Tensor;
    roll(shifts: number | readonly number[], dims: number | readonly number[]): Tensor;
    /** length elements of dim from start (a view). */
    narrow(dim: number, start: number, length: number): Tensor;
    /** Python-style slice along dim: start..end (exclusive) by step; negatives count from the end. */
    slice(dim: number, start?: number, end?: number, step?: number): Tensor;
    /** The index-th entry along dim (that dim removed). */
    select(dim: number, index: number): Tensor;
    indexSelect(dim: number, index: Tensor): Tensor;
    /** Advanced indexing like x[i0, i1, ...] with index tensors (undefined = whole dim). */
    index(indices: readonly (Tensor | undefined)[]): Tensor;
    gather(dim: number, index: Tensor): Tensor;
    scatter(dim: number, index: Tensor, src: Tensor | number): Tensor;
    scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor;
    indexAdd(dim: number, index: Tensor, source: Tensor): Tensor;
    maskedFill(mask: Tensor, value: number): Tensor;
    maskedSelect(mask: Tensor): Tensor;
    /** Indices of non-zero elements, [N, ndim] int64. */
    nonzero(): Tensor;
    split(sizeOrSizes: number | readonly number[], dim?: number): Tensor[];
    chunk(chunks: number, dim?: number): Tensor[];
    unbind(dim?: number): Tensor[];
    tril(diagonal?: number): Tensor;
    triu(diagonal?: number): Tensor;
    oneHot(numClasses?: number): Tensor;
  }
}

const P = Tensor.prototype;

P.reshape = function (shape) {
  return call(opId('reshape'), this, shape);
};
P.view = function (shape) {
  return call(opId('view'), this, shape);
};
P.permute = function (dims) {
  return call(opId('permute'), this, dims);
};
P.transpose = function (d0, d1) {
  return call(opId('transpose', 'int'), this, d0, d1);
};
P.t = function () {
  return call(opId('t'), this);
};
P.flatten = function (start = 0, end = -1) {
  return call(opId('flatten', 'using_ints'), this, start, end);
};
P.squeeze = function (dim) {
  return dim === undefined ? call(opId('squeeze'), this) : call(opId('squeeze', 'dim'), this, dim);
};
P.unsqueeze = function (dim) {
  return call(opId('unsqueeze'), this, dim);
};
P.expand = function (shape) {
  return call(opId('expand'), this, shape);
};
P.expandAs = function (other) {
  return call(opId('expand_as'), this, other);
};
P.repeat = function (times) {
  return call(opId('repeat'), this, times);
};
P.flip = function (dims) {
  return call(opId('flip'), this, dims);
};
P.roll = function (shifts, dims) {
  return call(opId('roll'), this, typeof shifts === 'number' ? [shifts] : shifts, typeof dims === 'number' ? [dims] : dims);
};
P.narrow = function (dim, start, length) {
  return call(opId('narrow'), this, dim, start, length);
};
P.slice = function (dim, start, end, step = 1) {
  return call(opId('slice', 'Tensor'), this, dim, start, end, step);
};
P.select = function (dim, index) {
  return call(opId('select', 'int'), this, dim, index);
};
P.indexSelect = function (dim, index) {
  return call(opId('index_select'), this, dim, index);
};
P.index = function (indices) {
  return call(opId('index', 'Tensor'), this, indices.map((t) => t ?? null));
};
P.gather = function (dim, index) {
  return call(opId('gather'), this, dim, index);
};
P.scatter = function (dim, index, src) {
  return src instanceof Tensor
    ? call(opId('scatter', 'src'), this, dim, index, src)
    : call(opId('scatter', 'value'), this, dim, index, src);
};
P.scatterAdd = function (dim, index, src) {
  return call(opId('scatter_add'), this, dim, index, src);
};
P.indexAdd = function (dim, index, source) {
  return call(opId('index_add'), this, dim, index, source);
};
P.maskedFill = function (mask, value) {
  return call(opId('masked_fill', 'Scalar'), this, mask, value);
};
P.maskedSelect = function (mask) {
  return call(opId('masked_select'), this, mask);
};
P.nonzero = function () {
  return call(opId('nonzero'), this);
};
P.split = function (s, dim = 0) {
  return (typeof s === 'number' ? callOp(opId('split', 'Tensor'), this, s, dim) : callOp(opId('split_with_sizes'), this, s, dim)) as Tensor[];
};
P.chunk = function (chunks, dim = 0) {
  return callOp(opId('chunk'), this, chunks, dim) as Tensor[];
};
P.unbind = function (dim = 0) {
  return callOp(opId('unbind', 'int'), this, dim) as Tensor[];
};
P.tril = function (d = 0) {
  return call(opId('tril'), this, d);
};
P.triu = function (d = 0) {
  return call(opId('triu'), this, d);
};
P.oneHot = function (numClasses = -1) {
  return call(opId('one_hot'), this, numClasses);
};

/** Joins tensors along an existing dim. */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  return call(opId('cat'), tensors, dim);
}

/** Joins tensors along a new dim. */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  return call(opId('stack'), tensors, dim);
}

/** Elementwise choice: a where cond is true, else b. */
export function where(cond: Tensor, a: Tensor | number, b: Tensor | number): Tensor {
  if (a instanceof Tensor && b instanceof Tensor) return call(opId('where', 'self'), cond, a, b);
  if (a instanceof Tensor) return call(opId('where', 'ScalarOther'), cond, a, b);
  if (b instanceof Tensor) return call(opId('where', 'ScalarSelf'), cond, a, b);
  return call(opId('where', 'Scalar'), cond, a, b);
}

export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

/**
 * Pads the last dims like torch.nn.functional.pad: pad = [left, right, top, bottom, ...] from
 * the last dim backwards. Non-constant modes pad 1-3 trailing spatial dims of a batched tensor.
 */
export function pad(x: Tensor, padding: readonly number[], mode: PadMode = 'constant', value = 0): Tensor {
  if (mode === 'constant') return call(opId('constant_pad_nd'), x, padding, value);
  const spatial = padding.length / 2;
  if (!Number.isInteger(spatial) || spatial < 1 || spatial > 3) throw new Error(`pad: ${mode} padding needs 2, 4 or 6 values`);
  const name = mode === 'reflect' ? 'reflection_pad' : mode === 'replicate' ? 'replication_pad' : '_pad_circular';
  if (mode === 'circular') return call(opId('_pad_circular'), x, padding);
  return call(opId(`${name}${spatial}d`), x, padding);
}

/** Evaluates an Einstein summation like torch.einsum. */
export function einsum(equation: string, ...tensors: Tensor[]): Tensor {
  return call(opId('einsum'), equation, tensors);
}
