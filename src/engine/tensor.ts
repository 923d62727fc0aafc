// The Tensor: a TypeScript handle on a libtorch tensor. Core facts, data access, autograd and
// disposal live here; op methods are attached by tensor-*.ts (imported through engine/index.ts).
import { inspect } from 'node:util';
import { native, type NativeTensor } from './native.js';
import { dtypeFromCode, viewAs, type DType, type DataTypeMap, DTYPE_CODE } from './dtype.js';
import { markTrackable, track, type Trackable } from './scope.js';

/** Resolved ATen operator ids, looked up once per (name, overload). */
const opIds = new Map<string, number>();

export function opId(name: string, overload = ''): number {
  const key = overload ? `${name}.${overload}` : name;
  let id = opIds.get(key);
  if (id === undefined) {
    id = native.op(name.includes('::') ? name : `aten::${name}`, overload);
    opIds.set(key, id);
  }
  return id;
}

/** Full schema text of an operator, e.g. for error messages and docs. */
export function opSchema(name: string, overload = ''): string {
  return native.schema(opId(name, overload));
}

function unwrapArg(a: unknown): unknown {
  if (a instanceof Tensor) return a.native;
  if (Array.isArray(a)) {
    for (const x of a) {
      if (x instanceof Tensor) return a.map((y) => (y instanceof Tensor ? y.native : y));
    }
  }
  return a;
}

function wrapResult(r: unknown): unknown {
  if (r instanceof native.NativeTensor) return new Tensor(r as NativeTensor);
  if (Array.isArray(r)) return r.map(wrapResult);
  return r;
}

/** Calls an ATen operator; tensors in and out are kensa Tensors. */
export function callOp(id: number, ...args: unknown[]): unknown {
  for (let i = 0; i < args.length; i++) args[i] = unwrapArg(args[i]);
  return wrapResult(native.call(id, ...args));
}

/** Calls an ATen operator that returns one tensor. */
export function call(id: number, ...args: unknown[]): Tensor {
  return callOp(id, ...args) as Tensor;
}

/** Calls an in-place ATen operator (its result is its first argument). */
export function callInPlace(id: number, ...args: unknown[]): void {
  for (let i = 0; i < args.length; i++) args[i] = unwrapArg(args[i]);
  native.call(id, ...args);
}

/** Runs an ATen operator on a worker thread, so the event loop stays free. */
export async function callAsync(id: number, ...args: unknown[]): Promise<unknown> {
  for (let i = 0; i < args.length; i++) args[i] = unwrapArg(args[i]);
  return wrapResult(await native.callAsync(id, ...args));
}

export interface BackwardOptions {
  /** Keep the graph for another backward. @default false */
  retainGraph?: boolean;
  /** Build a graph of the gradient for higher-order derivatives. @default false */
  createGraph?: boolean;
}

export type NestedArray = number | boolean | bigint | NestedArray[];

export class Tensor implements Trackable {
  /** @internal the addon's handle */
  readonly native: NativeTensor;

  constructor(handle: NativeTensor) {
    this.native = handle;
    track(this);
  }

  // ---- facts -------------------------------------------------------------------------------
  get shape(): number[] {
    return native.shape(this.native);
  }
  get ndim(): number {
    return native.shape(this.native).length;
  }
  get dtype(): DType {
    return dtypeFromCode(native.dtype(this.native));
  }
  get device(): string {
    return native.device(this.native);
  }
  get numel(): number {
    return native.shape(this.native).reduce((a, b) => a * b, 1);
  }
  /** Size of one dimension (negative counts from the end). */
  size(dim: number): number {
    const s = this.shape;
    const d = dim < 0 ? dim + s.length : dim;
    if (d < 0 || d >= s.length) throw new RangeError(`size(${dim}): tensor has ${s.length} dimensions`);
    return s[d];
  }

  // ---- data --------------------------------------------------------------------------------
  /** A copy of the elements, row-major, in the dtype's typed array. */
  data<D extends DType = DType>(): DataTypeMap[D] {
    return viewAs(this.dtype, native.toBuffer(this.native)) as DataTypeMap[D];
  }
  /** Elements as a nested JS array (int64 as numbers). */
  toArray(): NestedArray {
    const flat = Array.from(this.data() as ArrayLike<number | bigint>, (v) => (typeof v === 'bigint' ? Number(v) : v));
    const dt = this.dtype;
    const vals: (number | boolean)[] = dt === 'bool' ? flat.map((v) => v !== 0) : (flat as number[]);
    const shape = this.shape;
    if (shape.length === 0) return vals[0];
    let pos = 0;
    const build = (d: number): NestedArray[] => {
      const out: NestedArray[] = [];
      for (let i = 0; i < shape[d]; i++) out.push(d === shape.length - 1 ? vals[pos++] : build(d + 1));
      return out;
    };
    return build(0);
  }
  /** The value of a one-element tensor. */
  item(): number {
    const v = native.item(this.native);
    return typeof v === 'boolean' ? Number(v) : v;
  }

  // ---- lifetime ----------------------------------------------------------------------------
  dispose(): void {
    native.dispose(this.native);
  }
  get isDisposed(): boolean {
    return native.isDisposed(this.native);
  }

  // ---- autograd ----------------------------------------------------------------------------
  get requiresGrad(): boolean {
    return native.requiresGrad(this.native);
  }
  set requiresGrad(on: boolean) {
    native.setRequiresGrad(this.native, on);
  }
  /** Sets requiresGrad in place and returns this. */
  requiresGrad_(on = true): this {
    native.setRequiresGrad(this.native, on);
    return this;
  }
  get isLeaf(): boolean {
    return native.isLeaf(this.native);
  }
  /** The accumulated gradient (a new handle each call; dispose it or use tidy), or undefined. */
  get grad(): Tensor | undefined {
    const g = native.grad(this.native);
    return g === undefined ? undefined : new Tensor(g);
  }
  set grad(g: Tensor | undefined) {
    native.setGrad(this.native, g?.native);
  }
  /** Drops the accumulated gradient (PyTorch's zero_grad(set_to_none=True)). */
  zeroGrad(): void {
    native.setGrad(this.native, undefined);
  }
  /** Keeps .grad for this non-leaf tensor after backward (e.g. an activation for Grad-CAM). */
  retainGrad(): this {
    native.retainGrad(this.native);
    return this;
  }
  backward(grad?: Tensor, opts: BackwardOptions = {}): void {
    native.backward(this.native, grad?.native, opts.retainGraph ?? false, opts.createGraph ?? false);
  }

  toString(): string {
    if (this.isDisposed) return 'Tensor(disposed)';
    return `Tensor(shape=[${this.shape.join(', ')}], dtype=${this.dtype}, device=${this.device}${this.requiresGrad ? ', requiresGrad' : ''})`;
  }
  [inspect.custom](): string {
    return this.toString();
  }
}
markTrackable(Tensor.prototype);

/** Gradients of outputs with respect to inputs, without touching .grad (torch.autograd.grad). */
export function grad(
  outputs: Tensor | Tensor[],
  inputs: Tensor | Tensor[],
  opts: BackwardOptions & { gradOutputs?: (Tensor | undefined)[]; allowUnused?: boolean } = {},
): (Tensor | undefined)[] {
  const outs = Array.isArray(outputs) ? outputs : [outputs];
  const ins = Array.isArray(inputs) ? inputs : [inputs];
  const r = native.autogradGrad(
    outs.map((t) => t.native),
    ins.map((t) => t.native),
    opts.gradOutputs?.map((t) => t?.native),
    opts.retainGraph,
    opts.createGraph ?? false,
    opts.allowUnused ?? false,
  );
  return r.map((h) => (h === undefined ? undefined : new Tensor(h)));
}

/** Runs fn with gradient recording off (torch.no_grad()). */
export function noGrad<T>(fn: () => T): T {
  const prev = native.setGradEnabled(false);
  try {
    return fn();
  } finally {
    native.setGradEnabled(prev);
  }
}

/** Runs fn with gradient recording on (torch.enable_grad()). */
export function enableGrad<T>(fn: () => T): T {
  const prev = native.setGradEnabled(true);
  try {
    return fn();
  } finally {
    native.setGradEnabled(prev);
  }
}

export function isGradEnabled(): boolean {
  return native.isGradEnabled();
}

export function dtypeCode(d: DType): number {
  return DTYPE_CODE[d];
}
