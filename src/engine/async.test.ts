// Heavy work off the event loop: single ops on libuv's pool (callAsync) and whole training loops
// in worker threads (the addon is context-aware).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { callAsync, opId, randn, tidy, type Tensor } from './index.js';

test('callAsync runs a large convolution while the event loop keeps ticking', async () => {
  const x = randn([4, 32, 192, 192]);
  const w = randn([32, 32, 3, 3]);
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  const started = Date.now();
  const y = (await callAsync(opId('conv2d'), x, w, undefined, 1, 1)) as Tensor;
  const ms = Date.now() - started;
  clearInterval(timer);
  assert.deepEqual(y.shape, [4, 32, 192, 192]);
  assert.ok(ticks >= Math.min(5, ms / 20), `event loop ticked ${ticks} times during ${ms} ms`);
  await assert.rejects(callAsync(opId('matmul'), x, w), /shape|size|match|dimension/i);
  [x, w, y].forEach((t) => t.dispose());
});

test('a training loop runs in a worker thread and reports back', async () => {
  const code = `
    const { parentPort } = require('node:worker_threads');
    import(${JSON.stringify(new URL('../engine/index.js', import.meta.url).href)}).then(async (k) => {
      const nn = await import(${JSON.stringify(new URL('../nn/index.js', import.meta.url).href)});
      const { SGD } = await import(${JSON.stringify(new URL('../optim/index.js', import.meta.url).href)});
      k.manualSeed(0);
      const net = new nn.Linear(3, 1);
      const opt = new SGD(net.parameters(), { lr: 0.1 });
      const x = k.randn([64, 3]);
      const y = x.sum(1, true);
      let loss = 0;
      for (let i = 0; i < 300; i++) {
        opt.zeroGrad();
        loss = k.tidy(() => { const l = nn.F.mseLoss(net.forward(x), y); l.backward(); return l.item(); });
        opt.step();
      }
      parentPort.postMessage({ loss });
    }).catch((e) => parentPort.postMessage({ error: String(e) }));`;
  const worker = new Worker(code, { eval: true });
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  const msg = await new Promise<{ loss?: number; error?: string }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  clearInterval(timer);
  await worker.terminate();
  assert.equal(msg.error, undefined);
  assert.ok((msg.loss ?? 1) < 1e-3, `worker learned y = x1 + x2 + x3 (loss ${msg.loss})`);
  assert.ok(ticks > 0);
  // the main thread's engine still works
  tidy(() => assert.equal(randn([2]).shape[0], 2));
});
