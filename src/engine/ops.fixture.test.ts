// Every op case against PyTorch: outputs and the gradients of Σ_j out_j · w_j.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, grad, tidy, isFloating } from './index.js';
import { OP_CASES } from './op-cases.js';
import { assertClose, loadFixture, loadJsonFixture } from '../testing/fixtures.js';

const fx = loadFixture('engine', 'ops.safetensors');
const index = loadJsonFixture<{ name: string; inputs: number; outputs: number }[]>('engine', 'ops.json');

test('every PyTorch op case has a kensa twin and vice versa', () => {
  assert.deepEqual(index.map((c) => c.name).sort(), Object.keys(OP_CASES).sort());
});

for (const c of index) {
  test(`op ${c.name} matches PyTorch (values and gradients)`, () => {
    tidy(() => {
      const ins: Tensor[] = [];
      for (let i = 0; i < c.inputs; i++) {
        const t = fx.get(`${c.name}/in${i}`)!.clone();
        if (fx.has(`${c.name}/grad${i}`)) t.requiresGrad = true;
        ins.push(t);
      }
      const res = OP_CASES[c.name](...ins);
      const outs = Array.isArray(res) ? res : [res];
      assert.equal(outs.length, c.outputs, 'number of outputs');
      const tol = c.name.endsWith('f64') ? { atol: 1e-12, rtol: 1e-10 } : { atol: 2e-5, rtol: 2e-4 };
      let loss: Tensor | undefined;
      outs.forEach((o, j) => {
        const expected = fx.get(`${c.name}/out${j}`)!;
        assert.equal(o.dtype, expected.dtype, `output ${j} dtype`);
        assertClose(o, expected, `${c.name} out${j}`, tol);
        const w = fx.get(`${c.name}/w${j}`);
        if (w !== undefined && isFloating(o.dtype)) {
          const term = o.mul(w).sum();
          loss = loss === undefined ? term : loss.add(term);
        }
      });
      const needGrad = ins.map((_, i) => fx.has(`${c.name}/grad${i}`));
      if (loss !== undefined && needGrad.some(Boolean)) {
        const gs = grad(loss, ins.filter((_, i) => needGrad[i]), { allowUnused: true });
        let k = 0;
        ins.forEach((_, i) => {
          if (!needGrad[i]) return;
          const g = gs[k++];
          assert.ok(g !== undefined, `gradient of input ${i} missing`);
          assertClose(g, fx.get(`${c.name}/grad${i}`)!, `${c.name} grad${i}`, tol);
        });
      }
    });
  });
}
