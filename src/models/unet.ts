// U-Net (Ronneberger et al., arXiv 1505.04597): an encoder of double 3×3 conv blocks with max
// pooling, a decoder of 2×2 transposed convs with skip concatenation, and a 1×1 output conv.
import { Tensor } from '../engine/tensor.js';
import { cat } from '../engine/tensor-shape.js';
import { tidy } from '../engine/scope.js';
import { Module, Sequential, Conv2d, BatchNorm2d, ReLU, ConvTranspose2d, F, type TensorModule } from '../nn/index.js';

export interface UNetOptions {
  /** @default 1 */ inChannels?: number;
  /** Output channels (1 for binary segmentation with BCE-with-logits). @default 1 */ outChannels?: number;
  /** Channels per level, encoder top to bottleneck. @default [16, 32, 64, 128] */ widths?: number[];
  /** Batch norm after each conv. @default true */ batchNorm?: boolean;
}

function doubleConv(inC: number, outC: number, bn: boolean): Sequential {
  const layers: TensorModule[] = [new Conv2d(inC, outC, 3, { padding: 1, bias: !bn })];
  if (bn) layers.push(new BatchNorm2d(outC));
  layers.push(new ReLU(), new Conv2d(outC, outC, 3, { padding: 1, bias: !bn }));
  if (bn) layers.push(new BatchNorm2d(outC));
  layers.push(new ReLU());
  return new Sequential(...layers);
}

export class UNet extends Module {
  readonly down: Sequential[] = [];
  readonly up: ConvTranspose2d[] = [];
  readonly dec: Sequential[] = [];
  readonly head: Conv2d;
  constructor(readonly options: UNetOptions = {}) {
    super();
    const widths = options.widths ?? [16, 32, 64, 128];
    const bn = options.batchNorm ?? true;
    let c = options.inChannels ?? 1;
    widths.forEach((w, i) => {
      this.down.push(this.registerModule(`down${i}`, doubleConv(c, w, bn)));
      c = w;
    });
    for (let i = widths.length - 2; i >= 0; i--) {
      const w = widths[i];
      this.up.push(this.registerModule(`up${i}`, new ConvTranspose2d(c, w, 2, { stride: 2 })));
      this.dec.push(this.registerModule(`dec${i}`, doubleConv(2 * w, w, bn)));
      c = w;
    }
    this.head = this.registerModule('head', new Conv2d(c, options.outChannels ?? 1, 1));
  }
  /** Output logits [N, outChannels, H, W]; intermediates are released as soon as they are used. */
  forward(x: Tensor): Tensor {
    this.checkSize(x);
    const skips: Tensor[] = [];
    let h = x;
    this.down.forEach((block, i) => {
      if (i > 0) {
        using pooled = F.maxPool2d(h, 2);
        h = block.forward(pooled);
      } else {
        h = block.forward(h);
      }
      skips.push(h);
    });
    const levels = this.down.length;
    this.up.forEach((up, j) => {
      const level = levels - 2 - j;
      using upsampled = up.forward(h);
      using joined = cat([skips[level], upsampled], 1);
      if (h !== skips[skips.length - 1]) h.dispose();
      h = this.dec[j].forward(joined);
    });
    for (const s of skips) s.dispose();
    const out = this.head.forward(h);
    h.dispose();
    return out;
  }
  private checkSize(x: Tensor): void {
    const f = 2 ** (this.down.length - 1);
    if (x.shape[2] % f !== 0 || x.shape[3] % f !== 0) {
      throw new Error(`UNet: input ${x.shape[2]}×${x.shape[3]} must be divisible by ${f}`);
    }
  }
  /**
   * Output logits and every block's activation: "down<i>" (encoder), "dec<i>" (decoder), "head".
   * Input height and width must be divisible by 2^(levels − 1).
   */
  forwardIntermediates(x: Tensor): { output: Tensor; intermediates: Map<string, Tensor> } {
    this.checkSize(x);
    const levels = this.down.length;
    return tidy(() => {
      const acts = new Map<string, Tensor>();
      const skips: Tensor[] = [];
      let h = x;
      this.down.forEach((block, i) => {
        if (i > 0) h = F.maxPool2d(h, 2);
        h = block.forward(h);
        acts.set(`down${i}`, h);
        skips.push(h);
      });
      this.up.forEach((up, j) => {
        const level = levels - 2 - j;
        h = this.dec[j].forward(cat([skips[level], up.forward(h)], 1));
        acts.set(`dec${level}`, h);
      });
      const output = this.head.forward(h);
      acts.set('head', output);
      return { output, intermediates: acts };
    });
  }
}
