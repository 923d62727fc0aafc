// PatchGAN discriminator (Isola et al., CVPR 2017, arXiv 1611.07004; used by CycleGAN, Zhu et al.
// 2017): 4×4 convolutions, stride 2 then 1, LeakyReLU 0.2, instance norm after all but the first,
// and a 1-channel map of real/fake scores, one per overlapping patch (70×70 pixels for 3 layers).
// Layer indices follow the reference implementation's `model.<i>` Sequential.
import { Tensor } from '../engine/tensor.js';
import { Module, Sequential, Conv2d, InstanceNorm2d, LeakyReLU, type TensorModule } from '../nn/index.js';
import { normalInit_ } from './cyclegan-generator.js';

export interface PatchDiscriminatorOptions {
  /** @default 1 */ inChannels?: number;
  /** Filters of the first convolution (doubled per layer, at most 8×). @default 64 */ ndf?: number;
  /** Normalised conv layers between the first and the output conv (all stride 2 but the last); 3 gives 70×70 patches. @default 3 */ layers?: number;
  /** Weights drawn from N(0, initStd²), biases 0; 0 keeps PyTorch's default initialisation. @default 0.02 */ initStd?: number;
}

/** Side of the input patch one output score sees: 4 + Σ 3·(product of earlier strides). */
export function patchSize(layers: number): number {
  // conv strides, first to last: 2 (layers times), then 1, 1; each 4×4 conv widens the field by 3·(stride product before it)
  const strides = [...Array<number>(layers).fill(2), 1, 1];
  let rf = 1;
  let jump = 1;
  for (const s of strides) {
    rf += 3 * jump;
    jump *= s;
  }
  return rf;
}

/** [N, inChannels, H, W] images → [N, 1, h, w] patch scores (logits; the LSGAN loss reads them as they are). */
export class PatchDiscriminator extends Module {
  readonly model: Sequential;
  readonly config: Required<PatchDiscriminatorOptions>;
  constructor(options: PatchDiscriminatorOptions = {}) {
    super();
    const c: Required<PatchDiscriminatorOptions> = { inChannels: options.inChannels ?? 1, ndf: options.ndf ?? 64, layers: options.layers ?? 3, initStd: options.initStd ?? 0.02 };
    for (const k of ['inChannels', 'ndf', 'layers'] as const) if (!Number.isInteger(c[k]) || c[k] < 1) throw new RangeError(`PatchDiscriminator: ${k} must be a positive integer, got ${c[k]}`);
    this.config = c;
    const { ndf } = c;
    const layers: TensorModule[] = [new Conv2d(c.inChannels, ndf, 4, { stride: 2, padding: 1 }), new LeakyReLU(0.2)];
    let mult = 1;
    for (let n = 1; n <= c.layers; n++) {
      const prev = mult;
      mult = Math.min(2 ** n, 8);
      const stride = n < c.layers ? 2 : 1;
      layers.push(new Conv2d(ndf * prev, ndf * mult, 4, { stride, padding: 1 }), new InstanceNorm2d(ndf * mult), new LeakyReLU(0.2));
    }
    layers.push(new Conv2d(ndf * mult, 1, 4, { stride: 1, padding: 1 }));
    this.model = this.registerModule('model', new Sequential(...layers));
    if (c.initStd > 0) normalInit_(this, c.initStd);
  }
  forward(x: Tensor): Tensor {
    if (x.shape.length !== 4 || x.shape[1] !== this.config.inChannels) throw new RangeError(`PatchDiscriminator: input must be [N, ${this.config.inChannels}, H, W], got [${x.shape.join(', ')}]`);
    return this.model.forward(x);
  }
}
