// Multi-tensor operators against hand-worked answers on tiny tensors (values chosen to be exact in float32).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, tidy, liveTensors, type Tensor } from './index.js';
import {
  foreachAdd, foreachAdd_, foreachAddcdiv_, foreachAddcmul_, foreachDiv_, foreachMaximum_, foreachMul_, foreachNeg, foreachSqrt, foreachZero_,
} from './tensor-foreach.js';

const arrays = (ts: Tensor[]): unknown[] => ts.map((t) => t.toArray());

test('in-place foreach updates change every tensor of the list', () => {
  tidy(() => {
    const a = [tensor([1, 2]), tensor([[4], [8]])];
    const b = [tensor([0.5, 1]), tensor([[2], [2]])];
    foreachAdd_(a, b, 2); // [1 + 1, 2 + 2], [[4 + 4], [8 + 4]]
    assert.deepEqual(arrays(a), [[2, 4], [[8], [12]]]);
    foreachMul_(a, 0.5); // [1, 2], [[4], [6]]
    foreachAdd_(a, 1); // [2, 3], [[5], [7]]
    foreachDiv_(a, 2); // [1, 1.5], [[2.5], [3.5]]
    assert.deepEqual(arrays(a), [[1, 1.5], [[2.5], [3.5]]]);
    foreachAddcmul_(a, b, b, 2); // + 2·b²: [1 + 0.5, 1.5 + 2], [[2.5 + 8], [3.5 + 8]]
    assert.deepEqual(arrays(a), [[1.5, 3.5], [[10.5], [11.5]]]);
    foreachAddcdiv_(a, b, b, -0.5); // − 0.5 · b/b
    assert.deepEqual(arrays(a), [[1, 3], [[10], [11]]]);
    foreachMaximum_(a, [tensor([2, 2]), tensor([[12], [0]])]);
    assert.deepEqual(arrays(a), [[2, 3], [[12], [11]]]);
    foreachZero_(a);
    assert.deepEqual(arrays(a), [[0, 0], [[0], [0]]]);
  });
});

test('out-of-place foreach operators return new tensors and leave their inputs', () => {
  tidy(() => {
    const a = [tensor([4, 9]), tensor([16])];
    const s = foreachSqrt(a);
    assert.deepEqual(arrays(s), [[2, 3], [4]]);
    assert.deepEqual(arrays(foreachNeg(s)), [[-2, -3], [-4]]);
    assert.deepEqual(arrays(foreachAdd(a, s, -1)), [[2, 6], [12]]);
    assert.deepEqual(arrays(a), [[4, 9], [16]]);
  });
});

test('empty lists are a no-op and out-of-place results are scoped by tidy', () => {
  const before = liveTensors();
  tidy(() => {
    foreachAdd_([], []);
    foreachMul_([], 2);
    assert.deepEqual(foreachSqrt([]), []);
    foreachSqrt([tensor([1]), tensor([4])]);
  });
  assert.equal(liveTensors(), before);
});
