// Heads: PyTorch agreement at known angles (values and gradients), margin 0 = scaled-cosine
// softmax, ArcFace's fallback past π − m, and registry contracts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed, randn, tensor, tidy, grad } from '../../../engine/index.js';
import { F } from '../../../nn/index.js';
import { loadFixture, assertClose } from '../../../testing/fixtures.js';
import { ArcFaceHead, CosFaceHead, SubCenterArcFaceHead, HEADS, createHead, type ClassifierHead } from './index.js';

const CASES: [string, () => ClassifierHead][] = [
  ['arcface', () => new ArcFaceHead({ embeddingSize: 5, numClasses: 3, margin: 0.5, scale: 64 })],
  ['arcface-s8', () => new ArcFaceHead({ embeddingSize: 5, numClasses: 3, margin: 0.5, scale: 8 })],
  ['cosface', () => new CosFaceHead({ embeddingSize: 5, numClasses: 3, margin: 0.35, scale: 64 })],
  ['cosface-s8', () => new CosFaceHead({ embeddingSize: 5, numClasses: 3, margin: 0.35, scale: 8 })],
  ['subcenter-arcface', () => new SubCenterArcFaceHead({ embeddingSize: 5, numClasses: 3, margin: 0.5, scale: 8 })],
];

for (const [name, make] of CASES) {
  test(`${name}: logits, loss and gradients agree with PyTorch at known angles`, () => {
    const fx = loadFixture('metric-learning', `${name}.safetensors`);
    const head = make();
    head.loadStateDict(new Map([['weight', fx.get('weight')!]]));
    tidy(() => {
      const emb = fx.get('embeddings')!.clone().detach();
      emb.requiresGrad = true;
      const labels = fx.get('labels')!;
      assertClose(head.logits(emb), fx.get('logits')!, `${name} logits`, { atol: 1e-4, rtol: 1e-4 });
      assertClose(head.trainingLogits(emb, labels), fx.get('training_logits')!, `${name} training logits`, { atol: 1e-4, rtol: 1e-4 });
      const loss = head.loss(emb, labels);
      assertClose(loss.reshape([1]), fx.get('loss')!, `${name} loss`, { atol: 1e-4, rtol: 1e-4 });
      const [gE, gW] = grad(loss, [emb, head.parameters()[0]]);
      assertClose(gE!, fx.get('grad_embeddings')!, `${name} d loss / d embeddings`, { atol: 1e-4, rtol: 1e-3 });
      assertClose(gW!, fx.get('grad_weight')!, `${name} d loss / d weight`, { atol: 1e-4, rtol: 1e-3 });
    });
    head.dispose();
  });
}

test('margin 0: ArcFace and CosFace losses equal cross-entropy of s·cos θ (a scaled-cosine softmax)', () => {
  manualSeed(3);
  const arc = new ArcFaceHead({ embeddingSize: 6, numClasses: 4, margin: 0, scale: 16 });
  const cosf = new CosFaceHead({ embeddingSize: 6, numClasses: 4, margin: 0, scale: 16 });
  cosf.loadStateDict(arc.stateDict());
  tidy(() => {
    const emb = randn([10, 6]);
    const labels = tensor([0, 1, 2, 3, 0, 1, 2, 3, 0, 1], { dtype: 'int64' });
    // s·cos θ written out: normalise both, matrix product, scale.
    const expected = F.crossEntropy(F.normalize(emb, 2, 1).matmul(F.normalize(arc.weight, 2, 1).t()).mul(16), labels);
    assertClose(arc.loss(emb, labels), expected, 'arcface m=0', { atol: 1e-5 });
    assertClose(cosf.loss(emb, labels), expected, 'cosface m=0', { atol: 1e-5 });
    assertClose(arc.trainingLogits(emb, labels), arc.logits(emb), 'arcface m=0 logits', { atol: 1e-4 });
  });
  arc.dispose();
  cosf.dispose();
});

/** Training logit of the target for an embedding at angle θ to a 2-class, 2-D head with W = I. */
function targetLogitAt(head: ArcFaceHead, theta: number): number {
  return tidy(() => {
    const emb = tensor([[Math.cos(theta), Math.sin(theta)]]);
    return head.trainingLogits(emb, tensor([0], { dtype: 'int64' })).data()[0] as number;
  });
}

test('ArcFace: s·cos(θ + m) up to π − m, then s·(cos θ − m·sin m) (decreasing in θ throughout)', () => {
  const m = 0.5;
  const head = new ArcFaceHead({ embeddingSize: 2, numClasses: 2, margin: m, scale: 2 });
  head.loadStateDict(new Map([['weight', tensor([[1, 0], [0, 1]])]]));
  // θ = 1.0: 2·cos(1.5) = 0.141474; θ = 2.9 > π − 0.5: 2·(cos 2.9 − 0.5·sin 0.5) = 2·(−0.970958 − 0.239713) = −2.421342.
  assert.ok(Math.abs(targetLogitAt(head, 1.0) - 2 * Math.cos(1.5)) < 1e-5);
  assert.ok(Math.abs(targetLogitAt(head, 2.9) - -2.421342) < 1e-5);
  // Without the fallback, cos(θ + m) past π − m would rise again: cos(2.9 + 0.5) = −0.966798 > cos(2.8 + 0.5).
  const edge = Math.PI - m;
  const below = targetLogitAt(head, edge - 1e-3);
  const above = targetLogitAt(head, edge + 1e-3);
  // At π − m the branch meets s·cos π = −2 from below and s·(−cos m − m·sin m) = −2.235 above:
  // a downward step, so the logit stays decreasing (unlike cos(θ + m), which turns back up).
  assert.ok(Math.abs(below - -2) < 1e-2, `below π − m: ${below}`);
  assert.ok(Math.abs(above - -2 * (Math.cos(m) + m * Math.sin(m))) < 1e-2, `above π − m: ${above}`);
  let prev = Infinity;
  for (let th = 0.05; th < Math.PI; th += 0.05) {
    const v = targetLogitAt(head, th);
    assert.ok(v < prev + 1e-6, `decreasing in θ at ${th.toFixed(2)}`);
    prev = v;
  }
  head.dispose();
});

for (const spec of HEADS) {
  test(`head contract (${spec.name}): shapes, finite loss and gradients, same output under the same seed`, () => {
    const build = (): { head: ClassifierHead; out: number[]; loss: number } => {
      manualSeed(7);
      const head = spec.create({ embeddingSize: 8, numClasses: 3 });
      const r = tidy(() => {
        const emb = randn([5, 8]);
        emb.requiresGrad = true;
        const labels = tensor([0, 1, 2, 1, 0], { dtype: 'int64' });
        const z = head.logits(emb);
        assert.deepEqual(z.shape, [5, 3]);
        assert.deepEqual(head.trainingLogits(emb, labels).shape, [5, 3]);
        const loss = head.loss(emb, labels);
        loss.backward();
        const grads = [emb.grad!, ...head.parameters().map((p) => p.grad!)];
        for (const g of grads) assert.ok(g.isfinite().all().item(), `${spec.name}: finite gradient`);
        return { out: Array.from(z.data() as Float32Array), loss: loss.item() };
      });
      return { head, ...r };
    };
    const a = build();
    const b = build();
    assert.ok(Number.isFinite(a.loss));
    assert.deepEqual(a.out, b.out);
    assert.equal(a.head.normalizesEmbeddings, spec.metric);
    assert.equal(a.head.name, spec.name);
    a.head.dispose();
    b.head.dispose();
  });
}

test('heads reject bad sizes and unknown names', () => {
  assert.throws(() => createHead('nope', { embeddingSize: 4, numClasses: 2 }), /unknown head 'nope'/);
  assert.throws(() => new ArcFaceHead({ embeddingSize: 0, numClasses: 2 }), /embeddingSize/);
  assert.throws(() => new CosFaceHead({ embeddingSize: 4, numClasses: 1 }), /numClasses/);
  assert.throws(() => new ArcFaceHead({ embeddingSize: 4, numClasses: 2, margin: 2 }), /margin/);
});

