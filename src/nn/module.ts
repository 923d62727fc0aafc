// Module: the unit of a network. Holds parameters, buffers and child modules under
// PyTorch-compatible names, so state dicts round-trip with PyTorch models of the same layout.
import { Tensor, noGrad } from '../engine/tensor.js';
import { keep } from '../engine/scope.js';
import { loadSafetensors, saveSafetensors } from '../engine/safetensors.js';

export interface LoadStateOptions {
  /** Fail on missing or unexpected keys. @default true */
  strict?: boolean;
}

export interface LoadStateResult {
  missing: string[];
  unexpected: string[];
}

/**
 * Called after a module's forward with its arguments and output; a returned value replaces the
 * output (as in PyTorch's register_forward_hook), undefined keeps it.
 */
export type ForwardHook = (module: Module, args: readonly unknown[], output: unknown) => unknown;

export abstract class Module {
  /** Training mode (dropout active, batch norm uses batch statistics). */
  training = true;
  private readonly params = new Map<string, Tensor | undefined>();
  private readonly buffers = new Map<string, { t: Tensor | undefined; persistent: boolean }>();
  private readonly modules = new Map<string, Module>();
  private forwardHooks: ForwardHook[] = [];

  /**
   * Runs fn after every call of this module's forward, until the returned remover is called.
   * While a hook is registered, forward is wrapped on this instance only; with none, the class's
   * forward runs untouched.
   */
  registerForwardHook(fn: ForwardHook): () => void {
    const self = this as unknown as { forward?: (...args: unknown[]) => unknown };
    const inner = self.forward;
    if (typeof inner !== 'function') throw new Error(`${this.constructor.name}: has no forward to hook`);
    if (this.forwardHooks.length === 0) {
      const wrapped = function (this: Module, ...args: unknown[]): unknown {
        let out = inner.apply(this, args);
        for (const h of this.forwardHooks) {
          const r = h(this, args, out);
          if (r !== undefined) out = r;
        }
        return out;
      };
      const ownBefore = Object.getOwnPropertyDescriptor(this, 'forward');
      Object.defineProperty(this, 'forward', { value: wrapped, configurable: true, writable: true, enumerable: false });
      this.unwrapForward = () => {
        delete (self as Record<string, unknown>).forward;
        if (ownBefore) Object.defineProperty(this, 'forward', ownBefore);
      };
    }
    this.forwardHooks = [...this.forwardHooks, fn];
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      this.forwardHooks = this.forwardHooks.filter((h) => h !== fn);
      if (this.forwardHooks.length === 0) {
        this.unwrapForward?.();
        this.unwrapForward = undefined;
      }
    };
  }
  private unwrapForward: (() => void) | undefined;

  /** Registers a trainable tensor (requiresGrad is switched on; tidy never disposes it). */
  protected registerParameter(name: string, t: Tensor | undefined): Tensor | undefined {
    if (t !== undefined) {
      keep(t);
      if (!t.requiresGrad) t.requiresGrad = true;
    }
    this.params.set(name, t);
    return t;
  }

  /** Registers a state tensor that is not trained (running statistics, counters). */
  protected registerBuffer(name: string, t: Tensor | undefined, persistent = true): Tensor | undefined {
    if (t !== undefined) keep(t);
    this.buffers.set(name, { t, persistent });
    return t;
  }

  protected registerModule<M extends Module>(name: string, m: M): M {
    this.modules.set(name, m);
    return m;
  }

  protected param(name: string): Tensor {
    const t = this.params.get(name);
    if (t === undefined) throw new Error(`${this.constructor.name}: no parameter ${name}`);
    return t;
  }

  protected paramOrUndefined(name: string): Tensor | undefined {
    return this.params.get(name);
  }

  protected buffer(name: string): Tensor | undefined {
    return this.buffers.get(name)?.t;
  }

  /** Direct children, in registration order. */
  namedChildren(): [string, Module][] {
    return [...this.modules.entries()];
  }

  children(): Module[] {
    return [...this.modules.values()];
  }

  /** Every module below (and including) this one, with dotted names. */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [n, m] of this.modules) out.push(...m.namedModules(prefix ? `${prefix}.${n}` : n));
    return out;
  }

  namedParameters(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [n, t] of this.params) if (t !== undefined) out.push([prefix ? `${prefix}.${n}` : n, t]);
    for (const [n, m] of this.modules) out.push(...m.namedParameters(prefix ? `${prefix}.${n}` : n));
    return out;
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t);
  }

  namedBuffers(prefix = '', persistentOnly = false): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [n, b] of this.buffers) {
      if (b.t !== undefined && (b.persistent || !persistentOnly)) out.push([prefix ? `${prefix}.${n}` : n, b.t]);
    }
    for (const [n, m] of this.modules) out.push(...m.namedBuffers(prefix ? `${prefix}.${n}` : n, persistentOnly));
    return out;
  }

  /** Number of trainable scalars. */
  parameterCount(): number {
    return this.parameters().reduce((a, t) => a + t.numel, 0);
  }

  train(on = true): this {
    this.training = on;
    for (const m of this.modules.values()) m.train(on);
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Drops every parameter's gradient. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }

  /** Parameters and persistent buffers by name (the tensors themselves, not copies). */
  stateDict(): Map<string, Tensor> {
    return new Map([...this.namedParameters(), ...this.namedBuffers('', true)]);
  }

  /** Copies values into this module's tensors (shapes must match; dtypes are converted). */
  loadStateDict(state: Map<string, Tensor>, opts: LoadStateOptions = {}): LoadStateResult {
    const own = this.stateDict();
    const missing = [...own.keys()].filter((k) => !state.has(k));
    const unexpected = [...state.keys()].filter((k) => !own.has(k));
    if ((opts.strict ?? true) && (missing.length > 0 || unexpected.length > 0)) {
      throw new Error(`loadStateDict: missing keys [${missing.join(', ')}], unexpected keys [${unexpected.join(', ')}]`);
    }
    for (const [k, t] of own) {
      const src = state.get(k);
      if (src === undefined) continue;
      const a = t.shape.join('x');
      const b = src.shape.join('x');
      if (a !== b) throw new Error(`loadStateDict: ${k} has shape [${a}] here but [${b}] in the state`);
    }
    noGrad(() => {
      for (const [k, t] of own) {
        const src = state.get(k);
        if (src !== undefined) t.copy_(src);
      }
    });
    return { missing, unexpected };
  }

  /** Writes the state dict as a .safetensors file (atomically). */
  save(path: string, metadata: Record<string, string> = {}): void {
    saveSafetensors(path, this.stateDict(), metadata);
  }

  /** Reads a .safetensors state dict into this module. */
  load(path: string, opts: LoadStateOptions = {}): LoadStateResult {
    const { tensors } = loadSafetensors(path);
    try {
      return this.loadStateDict(tensors, opts);
    } finally {
      for (const t of tensors.values()) t.dispose();
    }
  }

  /** Moves parameters and buffers to a device in place (call before making an optimizer). */
  to(device: string): this {
    noGrad(() => {
      for (const [n, t] of this.params) {
        if (t === undefined || t.device === device) continue;
        const moved = keep(t.to({ device }).detach());
        moved.requiresGrad = true;
        t.dispose();
        this.params.set(n, moved);
      }
      for (const [n, b] of this.buffers) {
        if (b.t === undefined || b.t.device === device) continue;
        const moved = keep(b.t.to({ device }));
        b.t.dispose();
        this.buffers.set(n, { t: moved, persistent: b.persistent });
      }
    });
    for (const m of this.modules.values()) m.to(device);
    return this;
  }

  /** Releases every parameter and buffer tensor of this module tree. */
  dispose(): void {
    for (const t of this.params.values()) t?.dispose();
    for (const b of this.buffers.values()) b.t?.dispose();
    for (const m of this.modules.values()) m.dispose();
  }

  /** One line per module: name, type and parameter count. */
  summary(): string {
    return this.namedModules()
      .map(([n, m]) => `${n || '(root)'}: ${m.constructor.name} ${m.params.size ? `(${[...m.params.values()].reduce((a, t) => a + (t?.numel ?? 0), 0)} params)` : ''}`)
      .join('\n');
  }
}

/** A module that maps one tensor to one tensor (what Sequential chains). */
export interface TensorModule extends Module {
  forward(x: Tensor): Tensor;
}
