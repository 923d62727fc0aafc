// Adam (Kingma & Ba, arXiv 1412.6980) and AdamW (Loshchilov & Hutter, arXiv 1711.05101),
// following torch.optim's single-tensor update: bias-corrected moments, eps outside the sqrt.
import { Tensor } from '../engine/tensor.js';
import { zerosLike } from '../engine/creation.js';
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
  protected update(p: Tensor, grad: Tensor, h: H, state: Map<string, Tensor>, step: number): void {
    let g = h.maximize ? grad.neg() : grad;
    if (this.decoupled) p.mul_(1 - h.lr * h.weightDecay);
    else if (h.weightDecay !== 0) g = g.add(p, h.weightDecay);
    let m = state.get('exp_avg');
    let v = state.get('exp_avg_sq');
    if (m === undefined || v === undefined) {
      m = this.persistent(zerosLike(p));
      v = this.persistent(zerosLike(p));
      state.set('exp_avg', m);
      state.set('exp_avg_sq', v);
    }
    m.mul_(h.beta1).add_(g, 1 - h.beta1);
    v.mul_(h.beta2).addcmul_(g, g, 1 - h.beta2);
    const bc1 = 1 - h.beta1 ** step;
    const bc2Sqrt = Math.sqrt(1 - h.beta2 ** step);
    let second = v;
    if (h.amsgrad) {
      let vmax = state.get('max_exp_avg_sq');
      if (vmax === undefined) {
        vmax = this.persistent(zerosLike(p));
        state.set('max_exp_avg_sq', vmax);
      }
      vmax.copy_(vmax.maximum(v));
      second = vmax;
    }
    const denom = second.sqrt().div(bc2Sqrt).add_(h.eps);
    p.addcdiv_(m, denom, -(h.lr / bc1));
  }
}

/** Adam with decoupled weight decay (default 0.01), as torch.optim.AdamW. */
export class AdamW extends Adam {
  protected override readonly decoupled: boolean = true;
  constructor(params: Tensor[] | { params: Tensor[]; hyper?: Partial<H> }[], o: AdamOptions = {}) {
    super(params, o, 0.01);
  }
}
