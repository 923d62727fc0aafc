// Optimizers against torch.optim: a two-layer net trained six steps from the same weights.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tidy, type Tensor } from '../engine/index.js';
import { Linear, Module, F } from '../nn/index.js';
import { SGD, Adam, AdamW, type Optimizer } from './index.js';
import { assertClose, assertNumbersClose, loadFixture } from '../testing/fixtures.js';

const fx = loadFixture('engine', 'optim.safetensors');

class TinyNet extends Module {
  fc1 = this.registerModule('fc1', new Linear(4, 6));
  fc2 = this.registerModule('fc2', new Linear(6, 3));
  forward(x: Tensor): Tensor {
    return tidy(() => this.fc2.forward(F.relu(this.fc1.forward(x))));
  }
}

const OPTIMIZERS: Record<string, (p: Tensor[]) => Optimizer<{ lr: number }>> = {
  sgd: (p) => new SGD(p, { lr: 0.1 }),
  sgd_momentum: (p) => new SGD(p, { lr: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 0.01 }),
  sgd_nesterov: (p) => new SGD(p, { lr: 0.05, momentum: 0.9, nesterov: true }),
  adam: (p) => new Adam(p, { lr: 0.01 }),
  adam_wd_amsgrad: (p) => new Adam(p, { lr: 0.01, betas: [0.8, 0.99], weightDecay: 0.1, amsgrad: true }),
  adamw: (p) => new AdamW(p, { lr: 0.01 }),
  adamw_wd: (p) => new AdamW(p, { lr: 0.02, weightDecay: 0.5, eps: 1e-6 }),
};

const init = new Map([...fx].filter(([k]) => k.startsWith('init/')).map(([k, v]) => [k.slice(5), v]));

for (const [name, make] of Object.entries(OPTIMIZERS)) {
  test(`${name} follows torch.optim for 6 steps`, () => {
    const net = new TinyNet();
    net.loadStateDict(init);
    const opt = make(net.parameters());
    const losses: number[] = [];
    for (let s = 0; s < 6; s++) {
      opt.zeroGrad();
      tidy(() => {
        const loss = F.crossEntropy(net.forward(fx.get('x')!), fx.get('y')!);
        loss.backward();
        losses.push(loss.item());
      });
      opt.step();
    }
    assertNumbersClose(losses, Array.from(fx.get(`${name}/losses`)!.data() as Float64Array), `${name} losses`, 1e-5);
    for (const [k, t] of net.stateDict()) assertClose(t, fx.get(`${name}/${k}`)!, `${name} ${k}`, { atol: 1e-5 });
    opt.dispose();
    net.dispose();
  });
}

test('optimizer state round-trips through stateDict for resuming', () => {
  const a = new TinyNet();
  a.loadStateDict(init);
  const b = new TinyNet();
  b.loadStateDict(init);
  const oa = new Adam(a.parameters(), { lr: 0.01 });
  const ob = new Adam(b.parameters(), { lr: 0.01 });
  const stepOnce = (net: TinyNet, opt: Optimizer<{ lr: number }>) => {
    opt.zeroGrad();
    tidy(() => F.crossEntropy(net.forward(fx.get('x')!), fx.get('y')!).backward());
    opt.step();
  };
  for (let i = 0; i < 3; i++) stepOnce(a, oa);
  // b resumes from a's weights and optimizer state, then both take two more steps
  b.loadStateDict(a.stateDict());
  ob.loadStateDict(oa.stateDict());
  for (let i = 0; i < 2; i++) {
    stepOnce(a, oa);
    stepOnce(b, ob);
  }
  for (const [k, t] of a.stateDict()) assertClose(b.stateDict().get(k)!, t, `resumed ${k}`, { atol: 0, rtol: 0 });
  assert.throws(() => new SGD([], { lr: 1 }), /no parameters/);
  [oa, ob].forEach((o) => o.dispose());
  [a, b].forEach((n) => n.dispose());
});
