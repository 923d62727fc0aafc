// The Tensor: a TypeScript handle on a libtorch tensor. Core facts, data access, autograd and
// disposal live here; op methods are attached by tensor-*.ts (imported through engine/index.ts).
import { inspect } from 'node:util';
import { native, type NativeTensor, type ReturnKind } from './native.js';
import { dtypeFromCode, viewAs, type DType, type DataTypeMap, DTYPE_CODE } from './dtype.js';
import { markTrackable, track, type Trackable } from './scope.js';

interface OpInfo {
  id: number;
  returns: ReturnKind[];
}

/** Resolved ATen operators, looked up once per (name, overload): name → overload → operator. */
const ops = new Map<string, Map<string, OpInfo>>();
const opsById: OpInfo[] = [];

export function opId(name: string, overload = ''): number {
  // two lookups by the caller's (constant, hash-cached) strings: no key string is built per call
  let byOverload = ops.get(name);
  if (byOverload === undefined) ops.set(name, (byOverload = new Map()));
  let info = byOverload.get(overload);
  if (info === undefined) {
    const id = native.op(name.includes('::') ? name : `aten::${name}`, overload);
    info = { id, returns: native.returns(id) };
    byOverload.set(overload, info);
    opsById[id] = info;
  }
  return info.id;
}

/** Full schema text of an operator, e.g. for error messages and docs. */
export function opSchema(name: string, overload = ''): string {
  return native.schema(opId(name, overload));
}

function unwrapArg(a: unknown): unknown {
  if (a instanceof Tensor) return a.handle;
  if (Array.isArray(a)) {
    for (const x of a) {
      if (x instanceof Tensor) return a.map((y) => (y instanceof Tensor ? y.handle : y));
    }
  }
  return a;
}

function wrapOne(kind: ReturnKind, r: unknown, self: Tensor | undefined): unknown {
  switch (kind) {
    case 'tensor':
      return r === null || r === undefined ? undefined : new Tensor(r as NativeTensor);
    case 'tensors':
      return (r as NativeTensor[]).map((h) => new Tensor(h));
    case 'self':
      return self;
    default:
      return r;
  }
}

/** self: the first Tensor argument (what a 'self' return hands back). */
function wrapResult(id: number, r: unknown, self: Tensor | undefined): unknown {
  const kinds = opsById[id].returns;
  if (kinds.length === 1) return wrapOne(kinds[0], r, self);
  return kinds.map((k, i) => wrapOne(k, (r as unknown[])[i], self));
}

/**
 * Replaces the Tensors in args (a rest-parameter array the caller owns) by their handles, in place;
 * returns the first Tensor argument.
 */
function unwrapArgs(args: unknown[]): Tensor | undefined {
  let self: Tensor | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a instanceof Tensor) {
      self ??= a;
      args[i] = a.handle;
    } else if (typeof a === 'object' && a !== null) {
      args[i] = unwrapArg(a);
    }
  }
  return self;
}

/** Calls an ATen operator by id; tensors in and out are kensa Tensors. */
export function callOp(id: number, ...args: unknown[]): unknown {
  const self = unwrapArgs(args);
  return wrapResult(id, native.call(id, ...args), self);
}

/** Calls an ATen operator that returns one tensor. */
export function call(id: number, ...args: unknown[]): Tensor {
  const self = unwrapArgs(args);
  const r = native.call(id, ...args);
  if (typeof r === 'number') return new Tensor(r);
  return wrapResult(id, r, self) as Tensor;
}

/** Calls an in-place ATen operator (its result is its first argument). */
export function callInPlace(id: number, ...args: unknown[]): void {
  unwrapArgs(args);
  native.call(id, ...args);
}

/** Runs an ATen operator on a worker thread, so the event loop stays free. */
export async function callAsync(id: number, ...args: unknown[]): Promise<unknown> {
  const self = unwrapArgs(args);
  return wrapResult(id, await native.callAsync(id, ...args), self);
}

// Safety net for tensors a program forgets to dispose: released when collected. A tensor made inside
// tidy() is registered only if it leaves the scopes alive (kept or returned from the outermost
// tidy); the scope disposes every other one, so temporaries never pay for registering.
const registry = new FinalizationRegistry<NativeTensor>((h) => native.dispose(h));

export interface BackwardOptions {
  /** Keep the graph for another backward. @default false */
  retainGraph?: boolean;
  /** Build a graph of the gradient for higher-order derivatives. @default false */
  createGraph?: boolean;
}

export type NestedArray = number | boolean | bigint | NestedArray[];

export class Tensor implements Trackable {
  /** @internal the addon's handle; -1 once disposed */
  handle: NativeTensor;
  /** @internal whether the FinalizationRegistry safety net holds this tensor */
  private registered = false;

  constructor(handle: NativeTensor) {
    this.handle = handle;
    if (!track(this)) this.escapeScope();
  }

  /** @internal the tensor left scope ownership alive: the garbage-collection safety net takes it */
  escapeScope(): void {
    if (this.registered || this.handle < 0) return;
    registry.register(this, this.handle, this);
    this.registered = true;
  }

  // ---- facts -------------------------------------------------------------------------------
  get shape(): number[] {
    return native.shape(this.handle);
  }
  get ndim(): number {
    return native.shape(this.handle).length;
  }
  get dtype(): DType {
    return dtypeFromCode(native.dtype(this.handle));
  }
  get device(): string {
    return native.device(this.handle);
  }
  get numel(): number {
    return native.shape(this.handle).reduce((a, b) => a * b, 1);
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
    return viewAs(this.dtype, native.toBuffer(this.handle)) as DataTypeMap[D];
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
    const v = native.item(this.handle);
    return typeof v === 'boolean' ? Number(v) : v;
  }

  // ---- lifetime ----------------------------------------------------------------------------
  dispose(): void {
    if (this.handle < 0) return;
    if (this.registered) registry.unregister(this);
    native.dispose(this.handle);
    this.handle = -1;
  }
  get isDisposed(): boolean {
    return this.handle < 0;
  }
  /** `using t = ...` disposes t at the end of the block. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  // ---- autograd ----------------------------------------------------------------------------
  get requiresGrad(): boolean {
    return native.requiresGrad(this.handle);
  }
  set requiresGrad(on: boolean) {
    native.setRequiresGrad(this.handle, on);
  }
  /** Sets requiresGrad in place and returns this. */
  requiresGrad_(on = true): this {
    native.setRequiresGrad(this.handle, on);
    return this;
  }
  get isLeaf(): boolean {
    return native.isLeaf(this.handle);
  }
  /** The accumulated gradient (a new handle each call; dispose it or use tidy), or undefined. */
  get grad(): Tensor | undefined {
    const g = native.grad(this.handle);
    return g === undefined ? undefined : new Tensor(g);
  }
  set grad(g: Tensor | undefined) {
    // as PyTorch's `x.grad = g`: a gradient has the tensor's shape and dtype (the addon does not check)
    if (g !== undefined && (g.dtype !== this.dtype || g.shape.length !== this.shape.length || g.shape.some((d, i) => d !== this.shape[i]))) {
      throw new Error(`grad: assigned gradient is ${g.dtype} [${g.shape.join(', ')}] but the tensor is ${this.dtype} [${this.shape.join(', ')}]`);
    }
    native.setGrad(this.handle, g?.handle);
  }
  /** Drops the accumulated gradient (PyTorch's zero_grad(set_to_none=True)). */
  zeroGrad(): void {
    native.setGrad(this.handle, undefined);
  }
  /** Keeps .grad for this non-leaf tensor after backward (e.g. an activation for Grad-CAM). */
  retainGrad(): this {
    native.retainGrad(this.handle);
    return this;
  }
  backward(grad?: Tensor, opts: BackwardOptions = {}): void {
    native.backward(this.handle, grad?.handle, opts.retainGraph ?? false, opts.createGraph ?? false);
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
    outs.map((t) => t.handle),
    ins.map((t) => t.handle),
    opts.gradOutputs?.map((t) => t?.handle),
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
