// Optimizer base: parameter groups with their own hyper-parameters, per-parameter state tensors,
// zeroGrad, and a state dict that can be saved with a checkpoint and restored to resume.
import { Tensor, noGrad } from '../engine/tensor.js';
import { keep, tidy } from '../engine/scope.js';

export interface ParamGroup<H> {
  params: Tensor[];
  hyper: H;
}

export interface OptimizerState {
  /** Per-parameter state tensors, keyed "<param index>.<name>" over all groups in order. */
  tensors: Map<string, Tensor>;
  /** Scalars: step counts and every group's hyper-parameters. */
  scalars: { steps: number[]; groups: Record<string, number | boolean>[] };
}

export abstract class Optimizer<H extends { lr: number }> {
  readonly groups: ParamGroup<H>[];
  /** State tensors per parameter (same order as allParams()). */
  protected state: Map<string, Tensor>[];
  protected steps: number[];

  constructor(params: Tensor[] | { params: Tensor[]; hyper?: Partial<H> }[], defaults: H) {
    const groups = Array.isArray(params) && params.length > 0 && !(params[0] instanceof Tensor)
      ? (params as { params: Tensor[]; hyper?: Partial<H> }[]).map((g) => ({ params: g.params, hyper: { ...defaults, ...g.hyper } }))
      : [{ params: params as Tensor[], hyper: { ...defaults } }];
    this.groups = groups;
    const n = this.allParams().length;
    if (n === 0) throw new Error(`${this.constructor.name}: no parameters to optimise`);
    this.state = Array.from({ length: n }, () => new Map());
    this.steps = new Array<number>(n).fill(0);
  }

  allParams(): Tensor[] {
    return this.groups.flatMap((g) => g.params);
  }

  /** Learning rate of the first group (schedulers set every group). */
  get lr(): number {
    return this.groups[0].hyper.lr;
  }

  setLr(lr: number | ((group: number) => number)): void {
    this.groups.forEach((g, i) => {
      g.hyper.lr = typeof lr === 'number' ? lr : lr(i);
    });
  }

  zeroGrad(): void {
    for (const p of this.allParams()) p.zeroGrad();
  }

  /** Applies one update to every parameter that has a gradient. */
  step(): void {
    let base = 0;
    noGrad(() => {
      for (const g of this.groups) {
        const first = base;
        base += g.params.length;
        tidy(() => {
          // parameters with a gradient, batched by their step count (equal unless some missed steps)
          const batches = new Map<number, { params: Tensor[]; grads: Tensor[]; states: Map<string, Tensor>[] }>();
          g.params.forEach((p, j) => {
            const grad = p.grad;
            if (grad === undefined) return;
            const i = first + j;
            const step = ++this.steps[i];
            let b = batches.get(step);
            if (b === undefined) batches.set(step, (b = { params: [], grads: [], states: [] }));
            b.params.push(p);
            b.grads.push(grad);
            b.states.push(this.state[i]);
          });
          for (const [step, b] of batches) this.updateMany(b.params, b.grads, g.hyper, b.states, step);
        });
      }
    });
  }

  /**
   * Updates the parameters of one group that share a step count, inside noGrad and tidy (one
   * call per group, so multi-tensor operators can update the whole list at once); keep() any new
   * state tensor (persistent()). states[k] holds params[k]'s state tensors.
   */
  protected abstract updateMany(params: Tensor[], grads: Tensor[], h: H, states: Map<string, Tensor>[], step: number): void;

  /** New persistent state tensor (survives the step's tidy). */
  protected persistent(t: Tensor): Tensor {
    return keep(t);
  }

  stateDict(): OptimizerState {
    const tensors = new Map<string, Tensor>();
    this.state.forEach((s, i) => {
      for (const [k, t] of s) tensors.set(`${i}.${k}`, t);
    });
    return {
      tensors,
      scalars: { steps: [...this.steps], groups: this.groups.map((g) => ({ ...g.hyper }) as unknown as Record<string, number | boolean>) },
    };
  }

  /** Restores state saved by stateDict() for an optimizer over the same parameters. */
  loadStateDict(s: OptimizerState): void {
    if (s.scalars.steps.length !== this.steps.length) {
      throw new Error(`optimizer state is for ${s.scalars.steps.length} parameters, this optimizer has ${this.steps.length}`);
    }
    for (const m of this.state) for (const t of m.values()) t.dispose();
    this.state = this.state.map(() => new Map());
    for (const [key, t] of s.tensors) {
      const dot = key.indexOf('.');
      const i = Number(key.slice(0, dot));
      this.state[i].set(key.slice(dot + 1), keep(t.clone()));
    }
    this.steps = [...s.scalars.steps];
    s.scalars.groups.forEach((h, i) => {
      if (this.groups[i] !== undefined) Object.assign(this.groups[i].hyper, h);
    });
  }

  dispose(): void {
    for (const m of this.state) for (const t of m.values()) t.dispose();
    this.state = this.state.map(() => new Map());
  }
}
