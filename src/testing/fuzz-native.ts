// Probes of the native addon's boundary: every entry point of src/engine/native.ts called with wrong
// types, wrong shapes and dtypes, disposed or made-up handles and huge sizes. Each probe must return
// or throw a JS Error; run as a child (node fuzz-native.js <first probe>), it prints one JSON line per
// probe, so a parent sees a native abort as the child dying after a "start" line (boundary.test.ts).
import { native, type NativeTensor } from '../engine/native.js';

export interface Probe {
  name: string;
  run(): unknown;
}

const F32 = 6; // libtorch ScalarType codes as the addon uses them
const I64 = 4;
const f32 = (values: number[], shape: number[] = [values.length]): NativeTensor => native.fromBuffer(new Float32Array(values), shape, F32);
const disposed = (): NativeTensor => {
  const t = f32([1, 2]);
  native.dispose(t);
  return t;
};
const op = (name: string, overload: string): number => native.op(name, overload);
const anyCall = native.call as (...a: unknown[]) => unknown;
const anyAsync = native.callAsync as (...a: unknown[]) => Promise<unknown>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const raw = native as any;

/** Sizes past any memory: 2^40 floats, and a product that overflows int64. */
const HUGE = [1 << 20, 1 << 20];
const OVERFLOW = [2 ** 31, 2 ** 31, 2 ** 31];

export const PROBES: Probe[] = [
  // op / schema / returns
  { name: 'op: unknown operator', run: () => op('aten::no_such_op', '') },
  { name: 'op: unknown overload', run: () => op('aten::add', 'NoSuchOverload') },
  { name: 'op: numbers for names', run: () => raw.op(1, 2) },
  { name: 'op: no arguments', run: () => raw.op() },
  { name: 'schema: made-up op id', run: () => native.schema(987654) },
  { name: 'schema: negative op id', run: () => native.schema(-1) },
  { name: 'returns: op id as string', run: () => raw.returns('add') },
  // call: wrong argument types and counts
  { name: 'call: made-up op id', run: () => native.call(987654, f32([1])) },
  { name: 'call: too few arguments', run: () => anyCall(op('aten::add', 'Tensor')) },
  { name: 'call: too many arguments', run: () => anyCall(op('aten::neg', ''), f32([1]), f32([1]), f32([1]), 4, 5) },
  { name: 'call: string for a tensor', run: () => anyCall(op('aten::neg', ''), 'x') },
  { name: 'call: object for a tensor', run: () => anyCall(op('aten::neg', ''), { handle: 1 }) },
  { name: 'call: float for a handle', run: () => anyCall(op('aten::neg', ''), 1.5) },
  { name: 'call: made-up handle', run: () => anyCall(op('aten::neg', ''), 123456789) },
  { name: 'call: negative handle', run: () => anyCall(op('aten::neg', ''), -3) },
  { name: 'call: disposed handle', run: () => anyCall(op('aten::neg', ''), disposed()) },
  { name: 'call: string for an int list', run: () => anyCall(op('aten::reshape', ''), f32([1, 2]), 'ab') },
  { name: 'call: NaN dimension', run: () => anyCall(op('aten::reshape', ''), f32([1, 2]), [NaN]) },
  // wrong shapes and dtypes
  { name: 'call: add of [2] and [3]', run: () => anyCall(op('aten::add', 'Tensor'), f32([1, 2]), f32([1, 2, 3]), 1) },
  { name: 'call: matmul [2,3] x [2,3]', run: () => anyCall(op('aten::matmul', ''), f32([1, 2, 3, 4, 5, 6], [2, 3]), f32([1, 2, 3, 4, 5, 6], [2, 3])) },
  { name: 'call: reshape to a wrong size', run: () => anyCall(op('aten::reshape', ''), f32([1, 2, 3]), [2, 2]) },
  { name: 'call: conv2d of a 1-D input', run: () => anyCall(op('aten::conv2d', ''), f32([1, 2, 3]), f32([1], [1, 1, 1, 1]), undefined, [1, 1], [0, 0], [1, 1], 1) },
  { name: 'call: index out of range', run: () => anyCall(op('aten::select', 'int'), f32([1, 2]), 0, 99) },
  { name: 'call: matmul float x int64', run: () => anyCall(op('aten::matmul', ''), f32([1, 2], [1, 2]), native.fromBuffer(new BigInt64Array([1n, 2n]), [2, 1], I64)) },
  { name: 'call: cross entropy with float targets', run: () => anyCall(op('aten::cross_entropy_loss', ''), f32([1, 2], [1, 2]), f32([0]), undefined, 1, -100, 0) },
  // huge sizes: the allocation fails inside libtorch
  { name: 'call: zeros of 2^40 floats', run: () => anyCall(op('aten::zeros', ''), HUGE, F32) },
  { name: 'call: zeros whose size overflows int64', run: () => anyCall(op('aten::zeros', ''), OVERFLOW, F32) },
  { name: 'call: expand to 2^40 then contiguous', run: () => anyCall(op('aten::contiguous', ''), anyCall(op('aten::expand', ''), f32([1], [1, 1]), HUGE, false)) },
  { name: 'call: negative size', run: () => anyCall(op('aten::zeros', ''), [-5], F32) },
  { name: 'callAsync: zeros of 2^40 floats', run: () => anyAsync(op('aten::zeros', ''), HUGE, F32) },
  { name: 'callAsync: disposed handle', run: () => anyAsync(op('aten::neg', ''), disposed()) },
  { name: 'callAsync: add of [2] and [3]', run: () => anyAsync(op('aten::add', 'Tensor'), f32([1, 2]), f32([1, 2, 3]), 1) },
  // fromBuffer
  { name: 'fromBuffer: not a buffer', run: () => raw.fromBuffer('abc', [3], F32) },
  { name: 'fromBuffer: shape not an array', run: () => raw.fromBuffer(new Float32Array(2), 2, F32) },
  { name: 'fromBuffer: shape of strings', run: () => raw.fromBuffer(new Float32Array(2), ['a'], F32) },
  { name: 'fromBuffer: too few bytes for the shape', run: () => native.fromBuffer(new Float32Array(2), [3], F32) },
  { name: 'fromBuffer: too many bytes for the shape', run: () => native.fromBuffer(new Float32Array(5), [2], F32) },
  { name: 'fromBuffer: negative dimension', run: () => native.fromBuffer(new Float32Array(2), [-2], F32) },
  { name: 'fromBuffer: fractional dimension', run: () => native.fromBuffer(new Float32Array(2), [1.5], F32) },
  { name: 'fromBuffer: dimension product overflows', run: () => native.fromBuffer(new Float32Array(2), OVERFLOW, F32) },
  { name: 'fromBuffer: huge shape on a small buffer', run: () => native.fromBuffer(new Float32Array(2), HUGE, F32) },
  { name: 'fromBuffer: unknown dtype code', run: () => native.fromBuffer(new Float32Array(2), [2], 99) },
  { name: 'fromBuffer: negative dtype code', run: () => native.fromBuffer(new Float32Array(2), [2], -1) },
  { name: 'fromBuffer: dtype as string', run: () => raw.fromBuffer(new Float32Array(2), [2], 'float32') },
  { name: 'fromBuffer: no arguments', run: () => raw.fromBuffer() },
  // handle accessors on disposed, made-up and mistyped handles
  ...(['toBuffer', 'shape', 'dtype', 'device', 'requiresGrad', 'isLeaf', 'item', 'grad', 'retainGrad'] as const).flatMap((fn) => [
    { name: `${fn}: disposed handle`, run: () => raw[fn](disposed()) },
    { name: `${fn}: made-up handle`, run: () => raw[fn](2 ** 31 - 7) },
    { name: `${fn}: string`, run: () => raw[fn]('t') },
    { name: `${fn}: no argument`, run: () => raw[fn]() },
  ]),
  { name: 'dispose: twice', run: () => native.dispose(disposed()) },
  { name: 'dispose: made-up handle', run: () => native.dispose(2 ** 40) },
  { name: 'dispose: string', run: () => raw.dispose('x') },
  { name: 'item: a 2-element tensor', run: () => native.item(f32([1, 2])) },
  { name: 'item: an empty tensor', run: () => native.item(native.fromBuffer(new Float32Array(0), [0], F32)) },
  { name: 'setRequiresGrad: an int64 tensor', run: () => native.setRequiresGrad(native.fromBuffer(new BigInt64Array([1n]), [1], I64), true) },
  { name: 'setRequiresGrad: disposed', run: () => native.setRequiresGrad(disposed(), true) },
  // autograd
  { name: 'backward: a tensor that needs no grad', run: () => native.backward(f32([1]), undefined, false, false) },
  { name: 'backward: a non-scalar without grad', run: () => native.backward(native.setRequiresGrad(f32([1, 2]), true), undefined, false, false) },
  { name: 'backward: grad of the wrong shape', run: () => native.backward(native.setRequiresGrad(f32([1, 2]), true), f32([1, 2, 3]), false, false) },
  { name: 'backward: disposed grad', run: () => native.backward(native.setRequiresGrad(f32([1]), true), disposed(), false, false) },
  { name: 'backward: twice through a freed graph', run: () => {
    const x = native.setRequiresGrad(f32([1, 2]), true);
    const y = anyCall(op('aten::sum', ''), anyCall(op('aten::mul', 'Tensor'), x, x), undefined) as NativeTensor;
    native.backward(y, undefined, false, false);
    native.backward(y, undefined, false, false);
  } },
  { name: 'setGrad: wrong shape', run: () => native.setGrad(native.setRequiresGrad(f32([1, 2]), true), f32([1, 2, 3])) },
  { name: 'setGrad: wrong dtype', run: () => native.setGrad(native.setRequiresGrad(f32([1, 2]), true), native.fromBuffer(new BigInt64Array([1n, 2n]), [2], I64)) },
  { name: 'setGrad: string', run: () => raw.setGrad(f32([1]), 'g') },
  { name: 'autogradGrad: not arrays', run: () => raw.autogradGrad(1, 2, undefined, false, false, false) },
  { name: 'autogradGrad: input not in the graph', run: () => {
    const x = native.setRequiresGrad(f32([1, 2]), true);
    const y = anyCall(op('aten::sum', ''), x, undefined) as NativeTensor;
    return native.autogradGrad([y], [native.setRequiresGrad(f32([3]), true)], undefined, false, false, false);
  } },
  { name: 'autogradGrad: output needs no grad', run: () => native.autogradGrad([f32([1])], [native.setRequiresGrad(f32([1]), true)], undefined, false, false, false) },
  { name: 'autogradGrad: disposed input', run: () => native.autogradGrad([f32([1])], [disposed()], undefined, false, false, false) },
  { name: 'autogradGrad: grad outputs of another length', run: () => {
    const x = native.setRequiresGrad(f32([1, 2]), true);
    const y = anyCall(op('aten::mul', 'Tensor'), x, x) as NativeTensor;
    return native.autogradGrad([y], [x], [f32([1, 1]), f32([1])], false, false, false);
  } },
  // the same mistakes through the public Tensor layer (src/engine), which adds the checks the addon leaves out
  { name: 'Tensor.grad = a gradient of the wrong shape', run: async () => {
    const { tensor } = await import('../engine/index.js');
    const x = tensor([1, 2]).requiresGrad_();
    x.grad = tensor([1, 2, 3]);
  } },
  { name: 'Tensor.grad = a gradient of the wrong dtype', run: async () => {
    const { tensor } = await import('../engine/index.js');
    const x = tensor([1, 2]).requiresGrad_();
    x.grad = tensor([1, 2], { dtype: 'int64' });
  } },
  { name: 'Tensor: an op on a disposed tensor', run: async () => {
    const { tensor } = await import('../engine/index.js');
    const x = tensor([1, 2]);
    x.dispose();
    return x.add(x);
  } },
  { name: 'zeros(): 2^40 floats', run: async () => (await import('../engine/index.js')).zeros(HUGE) },
  { name: 'tensor(): huge shape for 2 values', run: async () => (await import('../engine/index.js')).tensor([1, 2], { shape: HUGE }) },
  // global settings
  { name: 'setGradEnabled: string', run: () => raw.setGradEnabled('yes') },
  { name: 'manualSeed: string', run: () => raw.manualSeed('seed') },
  { name: 'manualSeed: NaN', run: () => native.manualSeed(NaN) },
  { name: 'manualSeed: negative', run: () => native.manualSeed(-1) },
  { name: 'setNumThreads: 0', run: () => native.setNumThreads(0) },
  { name: 'setNumThreads: negative', run: () => native.setNumThreads(-4) },
  { name: 'setNumThreads: string', run: () => raw.setNumThreads('two') },
  { name: 'setNumThreads: 2^31', run: () => native.setNumThreads(2 ** 31) },
];

/** Runs probes [from, end): one JSON line before ("start") and after ("end", with threw/message). */
async function runFrom(from: number): Promise<void> {
  native.setNumThreads(1);
  for (let i = from; i < PROBES.length; i++) {
    process.stdout.write(`${JSON.stringify({ i, phase: 'start' })}\n`);
    let threw: string | undefined;
    let isError = true;
    try {
      await PROBES[i].run();
    } catch (e) {
      isError = e instanceof Error;
      threw = e instanceof Error ? `${e.name}: ${e.message.split('\n')[0].slice(0, 200)}` : String(e);
    }
    process.stdout.write(`${JSON.stringify({ i, phase: 'end', threw, isError })}\n`);
  }
  process.stdout.write(`${JSON.stringify({ phase: 'done', live: native.liveTensors(), threads: native.getNumThreads() })}\n`);
}

if (process.argv[2] === '--probe-from') void runFrom(Number(process.argv[3] ?? 0));
