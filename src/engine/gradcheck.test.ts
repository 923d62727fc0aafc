// Float64 finite-difference checks of autograd through kensa's ops.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed, randn, rand, tensor, tidy, pad, type Tensor } from './index.js';
import * as F from '../nn/functional.js';
import { gradcheck } from '../testing/gradcheck.js';

const CASES: [string, (...x: Tensor[]) => Tensor, () => Tensor[]][] = [
  ['conv2d', (x, w, b) => F.conv2d(x, w, b, { padding: 1, stride: 2 }), () => [randn([1, 2, 5, 5]), randn([3, 2, 3, 3]), randn([3])]],
  ['conv_transpose2d', (x, w) => F.convTranspose2d(x, w, undefined, { stride: 2, padding: 1, outputPadding: 1 }), () => [randn([1, 2, 3, 3]), randn([2, 2, 3, 3])]],
  ['max_pool2d', (x) => F.maxPool2d(x, 2), () => [randn([1, 2, 4, 4])]],
  ['avg_pool2d', (x) => F.avgPool2d(x, 2), () => [randn([1, 2, 4, 4])]],
  ['adaptive_avg_pool2d', (x) => F.adaptiveAvgPool2d(x, 2), () => [randn([1, 2, 5, 3])]],
  ['batch_norm (batch stats)', (x, w, b) => F.batchNorm(x, undefined, undefined, { weight: w, bias: b, training: true }), () => [randn([3, 2, 2, 2]), randn([2]), randn([2])]],
  ['instance_norm', (x) => F.instanceNorm(x), () => [randn([2, 2, 3, 3])]],
  ['bilinear', (x) => F.interpolate(x, { size: [5, 4], mode: 'bilinear' }), () => [randn([1, 1, 3, 3])]],
  ['softmax', (x) => F.softmax(x, 1), () => [randn([3, 4])]],
  ['log_softmax', (x) => F.logSoftmax(x, 1), () => [randn([3, 4])]],
  ['cross_entropy', (x) => F.crossEntropy(x, tensor([0, 2, 1], { dtype: 'int64' })), () => [randn([3, 4])]],
  ['bce_with_logits', (x, y) => F.binaryCrossEntropyWithLogits(x, y), () => [randn([5]), rand([5])]],
  ['normalize', (x) => F.normalize(x, 2, 1), () => [randn([3, 4])]],
  ['cosine_similarity', (a, b) => F.cosineSimilarity(a, b, 1), () => [randn([3, 4]), randn([3, 4])]],
  ['logsumexp', (x) => x.logsumexp(1), () => [randn([3, 4])]],
  ['std', (x) => x.std(0), () => [randn([4, 3])]],
  ['norm', (x) => x.norm(2, 1), () => [randn([3, 4])]],
  ['matmul', (a, b) => a.matmul(b), () => [randn([3, 4]), randn([4, 2])]],
  ['div/pow', (a, b) => a.div(b.abs().add(1)).pow(2), () => [randn([5]), randn([5])]],
  ['reflect pad', (x) => pad(x, [1, 2, 2, 1], 'reflect'), () => [randn([1, 1, 4, 4])]],
  ['gather', (x) => x.gather(1, tensor([[0, 2], [1, 1]], { dtype: 'int64' })), () => [randn([2, 3])]],
  ['leaky_relu/sigmoid/tanh', (x) => F.leakyRelu(x, 0.1).sigmoid().add(x.tanh()), () => [randn([6])]],
];

for (const [name, f, make] of CASES) {
  test(`finite differences agree with autograd: ${name}`, () => {
    manualSeed(11);
    tidy(() => {
      const r = gradcheck(f, make());
      assert.ok(r.maxAbsError < 1e-6, `${name}: ${r.worst}`);
    });
  });
}

test('gradcheck catches a wrong gradient', () => {
  manualSeed(3);
  tidy(() => {
    // detach() hides x from autograd in one term, so the analytic gradient misses x·x's share
    const r = gradcheck((x) => x.mul(x.detach()), [randn([4])]);
    assert.ok(r.maxAbsError > 0.1, 'a detached branch must show up as an error');
  });
});
