// Module.registerForwardHook: sees arguments and output, may replace the output, and once every
// hook is removed the module's own forward runs untouched again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, tidy, liveTensors } from '../engine/index.js';
import type { Tensor } from '../engine/index.js';
import { Sequential, ReLU, Linear, Identity } from './index.js';

test('a forward hook sees the output, may replace it, and is gone after removal', () => {
  const relu = new ReLU();
  const net = new Sequential(new Identity(), relu);
  const seen: number[][] = [];
  const protoForward = Object.getPrototypeOf(relu).forward;
  const remove = relu.registerForwardHook((m, args, out) => {
    assert.equal(m, relu);
    seen.push(Array.from((args[0] as Tensor).data() as Float32Array));
    return (out as Tensor).mul(10); // replaces the output
  });
  const keepOut = relu.registerForwardHook(() => undefined); // undefined keeps the output
  tidy(() => {
    // relu([-1, 2]) = [0, 2], times 10 = [0, 20]
    assert.deepEqual(Array.from(net.forward(tensor([-1, 2])).data() as Float32Array), [0, 20]);
  });
  assert.deepEqual(seen, [[-1, 2]]);
  remove();
  remove(); // a second call is harmless
  assert.notEqual(relu.forward, protoForward, 'still wrapped while one hook is left');
  keepOut();
  assert.equal(relu.forward, protoForward, 'the class forward is back');
  assert.equal(Object.prototype.hasOwnProperty.call(relu, 'forward'), false);
  tidy(() => assert.deepEqual(Array.from(net.forward(tensor([-1, 2])).data() as Float32Array), [0, 2]));
  assert.deepEqual(seen.length, 1);
  net.dispose();
});

test('hooks are per instance, and a hook that removes itself while running is safe', () => {
  const a = new Linear(2, 1);
  const b = new Linear(2, 1);
  let calls = 0;
  const remove = a.registerForwardHook(() => {
    calls++;
    remove();
  });
  const before = liveTensors();
  tidy(() => {
    const x = tensor([[1, 2]]);
    b.forward(x);
    a.forward(x);
    a.forward(x);
  });
  assert.equal(calls, 1);
  assert.equal(liveTensors(), before);
  assert.equal(Object.prototype.hasOwnProperty.call(a, 'forward'), false);
  a.dispose();
  b.dispose();
});
