// Adam (Kingma & Ba, arXiv 1412.6980) and AdamW (Loshchilov & Hutter, arXiv 1711.05101),
// following torch.optim's update: bias-corrected moments, eps outside the sqrt. A group's
// parameters are updated together with multi-tensor operators (the same arithmetic per tensor as
// torch.optim's single-tensor loop, in about ten addon calls instead of ten per parameter).
import { Tensor } from '../engine/tensor.js';
import { zerosLike } from '../engine/creation.js';
import {
  foreachAdd, foreachAdd_, foreachAddcdiv_, foreachAddcmul_, foreachDiv_, foreachMaximum_, foreachMul_, foreachNeg, foreachSqrt,
} from '../engine/tensor-foreach.js';
import { Optimizer } from './optimizer.js';

export interface AdamOptions {
  /** @default 0.001 */ lr?: number;
  /** @default [0.9, 0.999] */ betas?: [number, number];
  /** @default 1e-8 */ eps?: number;
  /** Adam: L2 added to the gradient; AdamW: decoupled decay. @default 0 (Adam), 0.01 (AdamW) */ weightDecay?: number;
  /** @default false */ amsgrad?: boolean;
  /** @default false */ maximize?: boolean;
}

interface H {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
}

function hyper(o: AdamOptions, wd: number): H {
  const [beta1, beta2] = o.betas ?? [0.9, 0.999];
  return { lr: o.lr ?? 1e-3, beta1, beta2, eps: o.eps ?? 1e-8, weightDecay: o.weightDecay ?? wd, amsgrad: o.amsgrad ?? false, maximize: o.maximize ?? false };
}

export class Adam extends Optimizer<H> {
  protected readonly decoupled: boolean = false;
  constructor(params: Tensor[] | { params: Tensor[]; hyper?: Partial<H> }[], o: AdamOptions = {}, defaultDecay = 0) {
    super(params, hyper(o, defaultDecay));
  }
  protected updateMany(ps: Tensor[], grads: Tensor[], h: H, states: Map<string, Tensor>[], step: number): void {
    let gs = h.maximize ? foreachNeg(grads) : grads;
    if (this.decoupled) foreachMul_(ps, 1 - h.lr * h.weightDecay);
    else if (h.weightDecay !== 0) gs = foreachAdd(gs, ps, h.weightDecay);
    const slot = (name: string, k: number): Tensor => {
      let t = states[k].get(name);
      if (t === undefined) {
        t = this.persistent(zerosLike(ps[k]));
        states[k].set(name, t);
      }
      return t;
    };
    const ms = ps.map((_, k) => slot('exp_avg', k));
    const vs = ps.map((_, k) => slot('exp_avg_sq', k));
    foreachMul_(ms, h.beta1);
    foreachAdd_(ms, gs, 1 - h.beta1);
    foreachMul_(vs, h.beta2);
    foreachAddcmul_(vs, gs, gs, 1 - h.beta2);
    let second = vs;
    if (h.amsgrad) {
      second = ps.map((_, k) => slot('max_exp_avg_sq', k));
      foreachMaximum_(second, vs);
    }
    const bc1 = 1 - h.beta1 ** step;
    const denom = foreachSqrt(second);
    foreachDiv_(denom, Math.sqrt(1 - h.beta2 ** step));
    foreachAdd_(denom, h.eps);
    foreachAddcdiv_(ps, ms, denom, -(h.lr / bc1));
  }
}

/** Adam with decoupled weight decay (default 0.01), as torch.optim.AdamW. */
export class AdamW extends Adam {
  protected override readonly decoupled: boolean = true;
  constructor(params: Tensor[] | { params: Tensor[]; hyper?: Partial<H> }[], o: AdamOptions = {}) {
    super(params, o, 0.01);
  }
}
