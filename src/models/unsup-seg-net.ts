// The per-image network of unsupervised segmentation by differentiable feature clustering
// (Kim, Kanezaki & Tanaka, IEEE TIP 29, 2020, arXiv 2007.09990): conv3×3 → ReLU → BN, then
// (nConv − 1) × [conv3×3 → ReLU → BN], then conv1×1 → BN, all with q channels.
import { Tensor } from '../engine/tensor.js';
import { tidy } from '../engine/scope.js';
import { Module, Sequential, Conv2d, BatchNorm2d, ReLU, type TensorModule } from '../nn/index.js';

export interface UnsupSegNetOptions {
  /** @default 3 */ inChannels?: number;
  /** Feature channels q (also the maximum number of labels). @default 100 */ channels?: number;
  /** Number of 3×3 conv blocks. @default 2 */ nConv?: number;
}

export class UnsupSegNet extends Module {
  readonly body: Sequential;
  constructor(readonly options: UnsupSegNetOptions = {}) {
    super();
    const q = options.channels ?? 100;
    const n = options.nConv ?? 2;
    if (n < 1) throw new Error('UnsupSegNet: nConv must be at least 1');
    const layers: TensorModule[] = [];
    let c = options.inChannels ?? 3;
    for (let i = 0; i < n; i++) {
      layers.push(new Conv2d(c, q, 3, { padding: 1 }), new ReLU(), new BatchNorm2d(q));
      c = q;
    }
    layers.push(new Conv2d(q, q, 1), new BatchNorm2d(q));
    this.body = this.registerModule('body', new Sequential(...layers));
  }
  /** Response map [N, q, H, W]. */
  forward(x: Tensor): Tensor {
    return tidy(() => this.body.forward(x));
  }
}
