// Elementwise arithmetic, comparisons, unary math and the in-place updates optimizers need.
// Scalars and tensors broadcast as in PyTorch.
import { Tensor, call, callInPlace, opId } from './tensor.js';
import { DTYPE_CODE, type DType } from './dtype.js';

type Operand = Tensor | number;

declare module './tensor.js' {
  interface Tensor {
    add(other: Operand, alpha?: number): Tensor;
    sub(other: Operand, alpha?: number): Tensor;
    mul(other: Operand): Tensor;
    div(other: Operand): Tensor;
    /** Division rounded 'trunc' or 'floor'. */
    divRound(other: Operand, mode: 'trunc' | 'floor'): Tensor;
    pow(exponent: Operand): Tensor;
    remainder(other: Operand): Tensor;
    neg(): Tensor;
    exp(): Tensor;
    log(): Tensor;
    log1p(): Tensor;
    sqrt(): Tensor;
    rsqrt(): Tensor;
    abs(): Tensor;
    sign(): Tensor;
    floor(): Tensor;
    ceil(): Tensor;
    round(): Tensor;
    sin(): Tensor;
    cos(): Tensor;
    acos(): Tensor;
    reciprocal(): Tensor;
    square(): Tensor;
    sigmoid(): Tensor;
    tanh(): Tensor;
    relu(): Tensor;
    clamp(min?: number, max?: number): Tensor;
    clampMin(min: number): Tensor;
    clampMax(max: number): Tensor;
    maximum(other: Tensor): Tensor;
    minimum(other: Tensor): Tensor;
    matmul(other: Tensor): Tensor;
    mm(other: Tensor): Tensor;
    bmm(other: Tensor): Tensor;
    outer(other: Tensor): Tensor;
    lerp(end: Tensor, weight: number): Tensor;
    isnan(): Tensor;
    isfinite(): Tensor;
    nanToNum(nan?: number, posinf?: number, neginf?: number): Tensor;
    eq(other: Operand): Tensor;
    ne(other: Operand): Tensor;
    lt(other: Operand): Tensor;
    le(other: Operand): Tensor;
    gt(other: Operand): Tensor;
    ge(other: Operand): Tensor;
    logicalAnd(other: Tensor): Tensor;
    logicalOr(other: Tensor): Tensor;
    logicalNot(): Tensor;
    /** Elementwise: this where cond, else other. */
    where(cond: Tensor, other: Operand): Tensor;
    /** Copy converted to another dtype and/or device (a new handle even when nothing changes). */
    to(target: DType | string | { dtype?: DType; device?: string }): Tensor;
    float(): Tensor;
    double(): Tensor;
    long(): Tensor;
    int(): Tensor;
    bool(): Tensor;
    byte(): Tensor;
    cpu(): Tensor;
    cuda(index?: number): Tensor;
    clone(): Tensor;
    detach(): Tensor;
    contiguous(): Tensor;

    // in-place (return this)
    add_(other: Operand, alpha?: number): this;
    sub_(other: Operand, alpha?: number): this;
    mul_(other: Operand): this;
    div_(other: Operand): this;
    addcmul_(t1: Tensor, t2: Tensor, value?: number): this;
    addcdiv_(t1: Tensor, t2: Tensor, value?: number): this;
    lerp_(end: Tensor, weight: number): this;
    clamp_(min?: number, max?: number): this;
    sqrt_(): this;
    copy_(src: Tensor): this;
    fill_(value: number): this;
    zero_(): this;
    uniform_(from?: number, to?: number): this;
    normal_(mean?: number, std?: number): this;
    bernoulli_(p: number): this;
    maskedFill_(mask: Tensor, value: number): this;
  }
}

const P = Tensor.prototype;
const isT = (x: Operand): x is Tensor => x instanceof Tensor;

P.add = function (o, alpha = 1) {
  return isT(o) ? call(opId('add', 'Tensor'), this, o, alpha) : call(opId('add', 'Scalar'), this, o, alpha);
};
P.sub = function (o, alpha = 1) {
  return isT(o) ? call(opId('sub', 'Tensor'), this, o, alpha) : call(opId('sub', 'Scalar'), this, o, alpha);
};
P.mul = function (o) {
  return isT(o) ? call(opId('mul', 'Tensor'), this, o) : call(opId('mul', 'Scalar'), this, o);
};
P.div = function (o) {
  return isT(o) ? call(opId('div', 'Tensor'), this, o) : call(opId('div', 'Scalar'), this, o);
};
P.divRound = function (o, mode) {
  return isT(o) ? call(opId('div', 'Tensor_mode'), this, o, mode) : call(opId('div', 'Scalar_mode'), this, o, mode);
};
P.pow = function (o) {
  return isT(o) ? call(opId('pow', 'Tensor_Tensor'), this, o) : call(opId('pow', 'Tensor_Scalar'), this, o);
};
P.remainder = function (o) {
  return isT(o) ? call(opId('remainder', 'Tensor'), this, o) : call(opId('remainder', 'Scalar'), this, o);
};

const unary = ['neg', 'exp', 'log', 'log1p', 'sqrt', 'rsqrt', 'abs', 'sign', 'floor', 'ceil', 'round', 'sin', 'cos', 'acos', 'reciprocal', 'square', 'sigmoid', 'tanh', 'relu', 'isnan', 'isfinite', 'logical_not', 'clone', 'detach'] as const;
for (const name of unary) {
  const method = name === 'logical_not' ? 'logicalNot' : name;
  (P as unknown as Record<string, () => Tensor>)[method] = function (this: Tensor) {
    return call(opId(name), this);
  };
}

P.clamp = function (min, max) {
  return call(opId('clamp'), this, min, max);
};
P.clampMin = function (min) {
  return call(opId('clamp_min'), this, min);
};
P.clampMax = function (max) {
  return call(opId('clamp_max'), this, max);
};
P.maximum = function (o) {
  return call(opId('maximum'), this, o);
};
P.minimum = function (o) {
  return call(opId('minimum'), this, o);
};
P.matmul = function (o) {
  return call(opId('matmul'), this, o);
};
P.mm = function (o) {
  return call(opId('mm'), this, o);
};
P.bmm = function (o) {
  return call(opId('bmm'), this, o);
};
P.outer = function (o) {
  return call(opId('outer'), this, o);
};
P.lerp = function (end, weight) {
  return call(opId('lerp', 'Scalar'), this, end, weight);
};
P.nanToNum = function (nan, posinf, neginf) {
  return call(opId('nan_to_num'), this, nan, posinf, neginf);
};

for (const [method, name] of [['eq', 'eq'], ['ne', 'ne'], ['lt', 'lt'], ['le', 'le'], ['gt', 'gt'], ['ge', 'ge']] as const) {
  (P as unknown as Record<string, (o: Operand) => Tensor>)[method] = function (this: Tensor, o: Operand) {
    return isT(o) ? call(opId(name, 'Tensor'), this, o) : call(opId(name, 'Scalar'), this, o);
  };
}
P.logicalAnd = function (o) {
  return call(opId('logical_and'), this, o);
};
P.logicalOr = function (o) {
  return call(opId('logical_or'), this, o);
};
P.where = function (cond, other) {
  return isT(other) ? call(opId('where', 'self'), cond, this, other) : call(opId('where', 'ScalarOther'), cond, this, other);
};

P.to = function (target) {
  let dtype: DType | undefined;
  let device: string | undefined;
  if (typeof target === 'string') {
    if (target in DTYPE_CODE) dtype = target as DType;
    else device = target;
  } else {
    dtype = target.dtype;
    device = target.device;
  }
  const code = DTYPE_CODE[dtype ?? this.dtype];
  if (device !== undefined) return call(opId('to', 'device'), this, device, code, false, true);
  return call(opId('to', 'dtype'), this, code, false, true);
};
P.float = function () {
  return this.to('float32');
};
P.double = function () {
  return this.to('float64');
};
P.long = function () {
  return this.to('int64');
};
P.int = function () {
  return this.to('int32');
};
P.bool = function () {
  return this.to('bool');
};
P.byte = function () {
  return this.to('uint8');
};
P.cpu = function () {
  return this.to({ device: 'cpu' });
};
P.cuda = function (index = 0) {
  return this.to({ device: `cuda:${index}` });
};
P.contiguous = function () {
  return call(opId('contiguous'), this);
};

// ---- in-place ---------------------------------------------------------------------------------
P.add_ = function (o, alpha = 1) {
  if (isT(o)) callInPlace(opId('add_', 'Tensor'), this, o, alpha);
  else callInPlace(opId('add_', 'Scalar'), this, o, alpha);
  return this;
};
P.sub_ = function (o, alpha = 1) {
  if (isT(o)) callInPlace(opId('sub_', 'Tensor'), this, o, alpha);
  else callInPlace(opId('sub_', 'Scalar'), this, o, alpha);
  return this;
};
P.mul_ = function (o) {
  if (isT(o)) callInPlace(opId('mul_', 'Tensor'), this, o);
  else callInPlace(opId('mul_', 'Scalar'), this, o);
  return this;
};
P.div_ = function (o) {
  if (isT(o)) callInPlace(opId('div_', 'Tensor'), this, o);
  else callInPlace(opId('div_', 'Scalar'), this, o);
  return this;
};
P.addcmul_ = function (t1, t2, value = 1) {
  callInPlace(opId('addcmul_'), this, t1, t2, value);
  return this;
};
P.addcdiv_ = function (t1, t2, value = 1) {
  callInPlace(opId('addcdiv_'), this, t1, t2, value);
  return this;
};
P.lerp_ = function (end, weight) {
  callInPlace(opId('lerp_', 'Scalar'), this, end, weight);
  return this;
};
P.clamp_ = function (min, max) {
  callInPlace(opId('clamp_'), this, min, max);
  return this;
};
P.sqrt_ = function () {
  callInPlace(opId('sqrt_'), this);
  return this;
};
P.copy_ = function (src) {
  callInPlace(opId('copy_'), this, src);
  return this;
};
P.fill_ = function (value) {
  callInPlace(opId('fill_', 'Scalar'), this, value);
  return this;
};
P.zero_ = function () {
  callInPlace(opId('zero_'), this);
  return this;
};
P.uniform_ = function (from = 0, to = 1) {
  callInPlace(opId('uniform_'), this, from, to);
  return this;
};
P.normal_ = function (mean = 0, std = 1) {
  callInPlace(opId('normal_'), this, mean, std);
  return this;
};
P.bernoulli_ = function (p) {
  callInPlace(opId('bernoulli_', 'float'), this, p);
  return this;
};
P.maskedFill_ = function (mask, value) {
  callInPlace(opId('masked_fill_', 'Scalar'), this, mask, value);
  return this;
};
