// Stochastic gradient descent with momentum, dampening, Nesterov and L2 weight decay, following
// torch.optim.SGD's update rule; a group's parameters are updated together with multi-tensor
// operators (the same arithmetic per tensor as the single-tensor rule).
import { Tensor } from '../engine/tensor.js';
import { foreachAdd, foreachAdd_, foreachMul_, foreachNeg } from '../engine/tensor-foreach.js';
import { Optimizer } from './optimizer.js';

export interface SGDOptions {
  lr: number;
  /** @default 0 */ momentum?: number;
  /** @default 0 */ dampening?: number;
  /** L2 penalty added to the gradient. @default 0 */ weightDecay?: number;
  /** @default false */ nesterov?: boolean;
  /** @default false */ maximize?: boolean;
}

type H = Required<SGDOptions>;

export class SGD extends Optimizer<H> {
  constructor(params: Tensor[] | { params: Tensor[]; hyper?: Partial<H> }[], o: SGDOptions) {
    super(params, { momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, ...o });
    if (o.nesterov && ((o.momentum ?? 0) <= 0 || (o.dampening ?? 0) !== 0)) {
      throw new Error('SGD: Nesterov momentum needs momentum > 0 and zero dampening');
    }
  }
  protected updateMany(ps: Tensor[], grads: Tensor[], h: H, states: Map<string, Tensor>[]): void {
    let d = h.maximize ? foreachNeg(grads) : grads;
    if (h.weightDecay !== 0) d = foreachAdd(d, ps, h.weightDecay);
    if (h.momentum !== 0) {
      const old: Tensor[] = [];
      const oldD: Tensor[] = [];
      const bufs = d.map((dk, k) => {
        let buf = states[k].get('momentum_buffer');
        if (buf === undefined) {
          buf = this.persistent(dk.clone().detach());
          states[k].set('momentum_buffer', buf);
        } else {
          old.push(buf);
          oldD.push(dk);
        }
        return buf;
      });
      foreachMul_(old, h.momentum);
      foreachAdd_(old, oldD, 1 - h.dampening);
      d = h.nesterov ? foreachAdd(d, bufs, h.momentum) : bufs;
    }
    foreachAdd_(ps, d, -h.lr);
  }
}
