// Multi-tensor ("foreach") ATen operators: one call into the addon applies the same elementwise
// update to a whole list of tensors, as torch.optim's foreach implementations do; optimizers use
// them to update every parameter of a group at once instead of crossing into the addon per tensor.
import { Tensor, callInPlace, callOp, opId } from './tensor.js';

/** self[i] += alpha · other[i] (other a list) or self[i] += other (a number). */
export function foreachAdd_(self: Tensor[], other: Tensor[] | number, alpha = 1): void {
  if (self.length === 0) return;
  if (typeof other === 'number') callInPlace(opId('_foreach_add_', 'Scalar'), self, other * alpha);
  else callInPlace(opId('_foreach_add_', 'List'), self, other, alpha);
}

/** New tensors self[i] + alpha · other[i]. */
export function foreachAdd(self: Tensor[], other: Tensor[], alpha = 1): Tensor[] {
  if (self.length === 0) return [];
  return callOp(opId('_foreach_add', 'List'), self, other, alpha) as Tensor[];
}

/** self[i] *= s. */
export function foreachMul_(self: Tensor[], s: number): void {
  if (self.length > 0) callInPlace(opId('_foreach_mul_', 'Scalar'), self, s);
}

/** self[i] /= s. */
export function foreachDiv_(self: Tensor[], s: number): void {
  if (self.length > 0) callInPlace(opId('_foreach_div_', 'Scalar'), self, s);
}

/** self[i] += value · t1[i] · t2[i]. */
export function foreachAddcmul_(self: Tensor[], t1: Tensor[], t2: Tensor[], value = 1): void {
  if (self.length > 0) callInPlace(opId('_foreach_addcmul_', 'Scalar'), self, t1, t2, value);
}

/** self[i] += value · t1[i] / t2[i]. */
export function foreachAddcdiv_(self: Tensor[], t1: Tensor[], t2: Tensor[], value = 1): void {
  if (self.length > 0) callInPlace(opId('_foreach_addcdiv_', 'Scalar'), self, t1, t2, value);
}

/** self[i] = max(self[i], other[i]) elementwise. */
export function foreachMaximum_(self: Tensor[], other: Tensor[]): void {
  if (self.length > 0) callInPlace(opId('_foreach_maximum_', 'List'), self, other);
}

/** New tensors √t[i]. */
export function foreachSqrt(ts: Tensor[]): Tensor[] {
  if (ts.length === 0) return [];
  return callOp(opId('_foreach_sqrt'), ts) as Tensor[];
}

/** New tensors −t[i]. */
export function foreachNeg(ts: Tensor[]): Tensor[] {
  if (ts.length === 0) return [];
  return callOp(opId('_foreach_neg'), ts) as Tensor[];
}

/** t[i] = 0. */
export function foreachZero_(ts: Tensor[]): void {
  if (ts.length > 0) callInPlace(opId('_foreach_zero_'), ts);
}
