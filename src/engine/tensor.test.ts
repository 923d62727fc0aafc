// Known answers on tiny tensors, data round trips, dtypes, tidy scopes and autograd controls.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  tensor, zeros, ones, full, arange, linspace, eye, scalar, tidy, keep, dispose, liveTensors, noGrad, isGradEnabled,
  cat, stack, where, scopeDepth, grad, opSchema,
} from './index.js';

test('creation and data round trips for every dtype', () => {
  tidy(() => {
    assert.deepEqual(tensor([[1, 2], [3, 4]]).toArray(), [[1, 2], [3, 4]]);
    assert.equal(tensor([1, 2]).dtype, 'float32');
    assert.equal(tensor([true, false]).dtype, 'bool');
    assert.deepEqual(tensor([true, false]).toArray(), [true, false]);
    assert.deepEqual(Array.from(tensor(new Int32Array([5, -6])).data<'int32'>()), [5, -6]);
    assert.equal(tensor(new Float64Array([0.1])).dtype, 'float64');
    assert.equal(tensor(new Float64Array([0.1])).item(), 0.1);
    assert.deepEqual(Array.from(tensor([1, 2, 3], { dtype: 'int64' }).data() as BigInt64Array), [1n, 2n, 3n]);
    assert.deepEqual(tensor(new Uint8Array([1, 255]), { shape: [2, 1] }).toArray(), [[1], [255]]);
    assert.deepEqual(tensor([1.5, 2.5]).to('float16').to('float32').toArray(), [1.5, 2.5]);
    assert.deepEqual(zeros([2]).toArray(), [0, 0]);
    assert.deepEqual(ones([1, 2], { dtype: 'int64' }).toArray(), [[1, 1]]);
    assert.deepEqual(full([2], 7).toArray(), [7, 7]);
    assert.deepEqual(arange(2, 8, 3).toArray(), [2, 5]);
    assert.equal(arange(4).dtype, 'int64');
    assert.deepEqual(linspace(0, 1, 5).toArray(), [0, 0.25, 0.5, 0.75, 1]);
    assert.deepEqual(eye(2).toArray(), [[1, 0], [0, 1]]);
    assert.equal(scalar(3).ndim, 0);
    assert.throws(() => tensor([[1, 2], [3]]), /ragged/);
    assert.throws(() => tensor(new Float32Array(3), { shape: [2, 2] }), /needs 16 bytes, data has 12/);
  });
});

test('known answers: broadcasting, reductions, indexing', () => {
  tidy(() => {
    const a = tensor([[1, 2, 3], [4, 5, 6]]);
    // [[1,2,3],[4,5,6]] + [10,20,30] = [[11,22,33],[14,25,36]]
    assert.deepEqual(a.add(tensor([10, 20, 30])).toArray(), [[11, 22, 33], [14, 25, 36]]);
    assert.equal(a.sum().item(), 21);
    assert.deepEqual(a.sum(0).toArray(), [5, 7, 9]);
    assert.deepEqual(a.mean(1).toArray(), [2, 5]);
    const { values, indices } = a.maxDim(1);
    assert.deepEqual(values.toArray(), [3, 6]);
    assert.deepEqual(indices.toArray(), [2, 2]);
    // population variance of 1..6 = 35/12; sample variance = 3.5
    assert.equal(a.var().item(), 3.5);
    assert.deepEqual(a.t().toArray(), [[1, 4], [2, 5], [3, 6]]);
    assert.deepEqual(a.matmul(tensor([[1], [0], [-1]])).toArray(), [[-2], [-2]]);
    assert.deepEqual(where(a.gt(3), a, 0).toArray(), [[0, 0, 0], [4, 5, 6]]);
    assert.deepEqual(cat([a, a], 1).shape, [2, 6]);
    assert.deepEqual(stack([a, a]).shape, [2, 2, 3]);
    assert.deepEqual(a.slice(1, -2).toArray(), [[2, 3], [5, 6]]);
    assert.deepEqual(a.index([tensor([1, 0], { dtype: 'int64' })]).toArray(), [[4, 5, 6], [1, 2, 3]]);
    assert.deepEqual(tensor([3, 1, 3, 2]).unique({ counts: true }).counts!.toArray(), [1, 1, 2]);
    assert.deepEqual(tensor([3, 1, 2]).argsort().toArray(), [1, 2, 0]);
    assert.deepEqual(a.split(2, 1).map((t) => t.shape), [[2, 2], [2, 1]]);
  });
});

test('in-place ops return the same tensor object', () => {
  const t = zeros([3]);
  assert.equal(t.add_(1), t);
  assert.equal(t.mul_(3).fill_(2).zero_(), t);
  assert.deepEqual(t.toArray(), [0, 0, 0]);
  t.dispose();
});

test('tidy disposes temporaries, keeps results, nests, and cleans up on throw', () => {
  const before = liveTensors();
  const kept = tidy(() => {
    const x = ones([4]);
    const y = x.mul(2);
    const inner = tidy(() => y.add(1).mul(2));
    const k = keep(x.add(100));
    return { inner, list: [y], k };
  });
  assert.equal(liveTensors() - before, 3, 'inner result, returned y and the kept tensor survive');
  assert.deepEqual(kept.inner.toArray(), [6, 6, 6, 6]);
  dispose(kept);
  assert.equal(liveTensors(), before);
  assert.throws(() => tidy(() => {
    ones([2]);
    throw new Error('boom');
  }), /boom/);
  assert.equal(liveTensors(), before, 'tensors of a failed scope are released');
  assert.equal(scopeDepth(), 0);
  assert.throws(() => tidy(() => Promise.resolve(1) as unknown as number), /Promise/);
});

test('using a disposed tensor throws a clear error', () => {
  const t = ones([2]);
  t.dispose();
  assert.equal(t.isDisposed, true);
  assert.throws(() => t.add(1), /disposed/);
  assert.equal(t.toString(), 'Tensor(disposed)');
});

test('autograd: backward, grad accumulation, zeroGrad, noGrad, intermediate gradients', () => {
  tidy(() => {
    // y = Σ x², dy/dx = 2x
    const x = tensor([1, -2, 3], { requiresGrad: true });
    x.mul(x).sum().backward();
    assert.deepEqual(x.grad!.toArray(), [2, -4, 6]);
    x.mul(x).sum().backward();
    assert.deepEqual(x.grad!.toArray(), [4, -8, 12], 'gradients accumulate');
    x.zeroGrad();
    assert.equal(x.grad, undefined);
    // activation gradient (Grad-CAM style): h = 3x, y = Σ h²; dy/dh = 2h = 6x
    const h = x.mul(3).retainGrad();
    h.pow(2).sum().backward();
    assert.deepEqual(h.grad!.toArray(), [6, -12, 18]);
    const y = noGrad(() => x.mul(2));
    assert.equal(y.requiresGrad, false);
    assert.equal(isGradEnabled(), true);
    assert.equal(x.detach().requiresGrad, false);
    assert.equal(x.isLeaf, true);
    assert.equal(h.isLeaf, false);
    // torch.autograd.grad of an activation without touching .grad
    const h2 = x.mul(x);
    const [g] = grad(h2.sum(), h2);
    assert.deepEqual(g!.toArray(), [1, 1, 1]);
  });
});

test('shape mismatches and bad arguments throw JS errors with libtorch messages', () => {
  tidy(() => {
    assert.throws(() => tensor([1, 2, 3]).add(tensor([1, 2])), /size of tensor a \(3\) must match the size of tensor b \(2\)/);
    assert.throws(() => ones([2, 3]).matmul(ones([2, 3])), /cannot be multiplied/);
    assert.throws(() => ones([2]).reshape([3]), /invalid for input of size 2/);
    assert.throws(() => ones([1, 3, 4, 4]).slice(5), /out of range|Dimension out of range/);
    assert.throws(() => opSchema('no_such_op_xyz'), /no operator aten::no_such_op_xyz/);
    assert.throws(() => ones([2]).add('x' as unknown as number), /expected a number/);
    assert.throws(() => ones([2]).size(3), /has 1 dimensions/);
    // after the errors, ops still give known answers: [1, 2] + [3, 4] = [4, 6]
    assert.deepEqual(tensor([1, 2]).add(tensor([3, 4])).toArray(), [4, 6]);
  });
});
