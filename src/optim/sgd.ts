// Stochastic gradient descent with momentum, dampening, Nesterov and L2 weight decay, following
// torch.optim.SGD's update rule.
import { Tensor } from '../engine/tensor.js';
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
  protected update(p: Tensor, grad: Tensor, h: H, state: Map<string, Tensor>): void {
    let d = h.maximize ? grad.neg() : grad;
    if (h.weightDecay !== 0) d = d.add(p, h.weightDecay);
    if (h.momentum !== 0) {
      let buf = state.get('momentum_buffer');
      if (buf === undefined) {
        buf = this.persistent(d.clone().detach());
        state.set('momentum_buffer', buf);
      } else {
        buf.mul_(h.momentum).add_(d, 1 - h.dampening);
      }
      d = h.nesterov ? d.add(buf, h.momentum) : buf;
    }
    p.add_(d, -h.lr);
  }
}
