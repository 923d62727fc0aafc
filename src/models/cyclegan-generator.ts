// CycleGAN's ResNet generator (Zhu et al., ICCV 2017, arXiv 1703.10593, appendix 7.2; after
// Johnson et al. 2016): c7s1-ngf, two stride-2 3×3 downsamplings, residual blocks of two
// reflection-padded 3×3 convs with instance norm, two ×2 upsamplings, c7s1-out and tanh. Layer
// indices and parameter names follow the reference implementation's `model.<i>` Sequential, so
// its state dicts load as they are. The upsampling is a transposed convolution (the reference) or
// a resize followed by a 3×3 convolution, which avoids checkerboard artefacts (Odena et al. 2016,
// doi:10.23915/distill.00003).
import { Tensor } from '../engine/tensor.js';
import { Module, Sequential, Conv2d, ConvTranspose2d, InstanceNorm2d, ReLU, Tanh, Upsample, ReflectionPad2d, init, type TensorModule } from '../nn/index.js';

export const UPSAMPLE_MODES = ['transpose', 'resize-conv', 'resize-conv-bilinear'] as const;
export type UpsampleMode = (typeof UPSAMPLE_MODES)[number];

export interface CycleGanGeneratorOptions {
  /** @default 1 */ inChannels?: number;
  /** @default 1 */ outChannels?: number;
  /** Filters of the first convolution (doubled by each downsampling). @default 64 */ ngf?: number;
  /** Residual blocks at the lowest resolution (the paper: 6 at 128², 9 at 256²). @default 9 */ blocks?: number;
  /** 'transpose': 3×3 stride-2 transposed conv; 'resize-conv': nearest ×2 then 3×3 conv; 'resize-conv-bilinear': bilinear ×2 then 3×3 conv. @default 'transpose' */
  upsample?: UpsampleMode;
  /** Weights drawn from N(0, initStd²), biases 0; 0 keeps PyTorch's default initialisation. @default 0.02 */ initStd?: number;
}

/** Number of stride-2 downsamplings (input sides must be divisible by 2 to this power). */
export const GENERATOR_DOWNSAMPLINGS = 2;

/** N(0, std²) weights and zero biases for every conv and transposed conv below `m` (the reference's 'normal' init). */
export function normalInit_(m: Module, std: number): void {
  for (const [, layer] of m.namedModules()) {
    if (layer instanceof Conv2d || layer instanceof ConvTranspose2d) {
      init.normal_(layer.weight, 0, std);
      if (layer.bias) init.zeros_(layer.bias);
    }
  }
}

/** x + (pad, conv3, norm, relu, pad, conv3, norm)(x); parameters under `conv_block.<i>`. */
export class ResnetBlock extends Module {
  readonly convBlock: Sequential;
  constructor(dim: number) {
    super();
    this.convBlock = this.registerModule(
      'conv_block',
      new Sequential(
        new ReflectionPad2d(1), new Conv2d(dim, dim, 3), new InstanceNorm2d(dim), new ReLU(),
        new ReflectionPad2d(1), new Conv2d(dim, dim, 3), new InstanceNorm2d(dim),
      ),
    );
  }
  forward(x: Tensor): Tensor {
    const h = this.convBlock.forward(x);
    const y = x.add(h);
    h.dispose();
    return y;
  }
}

function upsampleLayers(inC: number, outC: number, mode: UpsampleMode): TensorModule[] {
  if (mode === 'transpose') return [new ConvTranspose2d(inC, outC, 3, { stride: 2, padding: 1, outputPadding: 1 })];
  const resize = new Upsample({ scaleFactor: 2, mode: mode === 'resize-conv' ? 'nearest' : 'bilinear' });
  return [resize, new ReflectionPad2d(1), new Conv2d(inC, outC, 3)];
}

/** Image-to-image generator: [N, inChannels, H, W] → [N, outChannels, H, W] in (−1, 1). */
export class CycleGanGenerator extends Module {
  readonly model: Sequential;
  readonly config: Required<CycleGanGeneratorOptions>;
  constructor(options: CycleGanGeneratorOptions = {}) {
    super();
    const c: Required<CycleGanGeneratorOptions> = {
      inChannels: options.inChannels ?? 1,
      outChannels: options.outChannels ?? 1,
      ngf: options.ngf ?? 64,
      blocks: options.blocks ?? 9,
      upsample: options.upsample ?? 'transpose',
      initStd: options.initStd ?? 0.02,
    };
    for (const k of ['inChannels', 'outChannels', 'ngf'] as const) if (!Number.isInteger(c[k]) || c[k] < 1) throw new RangeError(`CycleGanGenerator: ${k} must be a positive integer, got ${c[k]}`);
    if (!Number.isInteger(c.blocks) || c.blocks < 0) throw new RangeError(`CycleGanGenerator: blocks must be a non-negative integer, got ${c.blocks}`);
    if (!UPSAMPLE_MODES.includes(c.upsample)) throw new RangeError(`CycleGanGenerator: upsample must be one of ${UPSAMPLE_MODES.join(', ')}, got ${String(c.upsample)}`);
    this.config = c;
    const { ngf } = c;
    const layers: TensorModule[] = [new ReflectionPad2d(3), new Conv2d(c.inChannels, ngf, 7), new InstanceNorm2d(ngf), new ReLU()];
    for (let i = 0; i < GENERATOR_DOWNSAMPLINGS; i++) {
      const w = ngf * 2 ** i;
      layers.push(new Conv2d(w, 2 * w, 3, { stride: 2, padding: 1 }), new InstanceNorm2d(2 * w), new ReLU());
    }
    const deep = ngf * 2 ** GENERATOR_DOWNSAMPLINGS;
    for (let i = 0; i < c.blocks; i++) layers.push(new ResnetBlock(deep));
    for (let i = GENERATOR_DOWNSAMPLINGS; i > 0; i--) {
      const w = ngf * 2 ** i;
      layers.push(...upsampleLayers(w, w / 2, c.upsample), new InstanceNorm2d(w / 2), new ReLU());
    }
    layers.push(new ReflectionPad2d(3), new Conv2d(ngf, c.outChannels, 7), new Tanh());
    this.model = this.registerModule('model', new Sequential(...layers));
    if (c.initStd > 0) normalInit_(this, c.initStd);
  }
  forward(x: Tensor): Tensor {
    const f = 2 ** GENERATOR_DOWNSAMPLINGS;
    const [h, w] = x.shape.slice(-2);
    if (x.shape.length !== 4 || h % f !== 0 || w % f !== 0) throw new RangeError(`CycleGanGenerator: input must be [N, C, H, W] with H and W divisible by ${f}, got [${x.shape.join(', ')}]`);
    if (x.shape[1] !== this.config.inChannels) throw new RangeError(`CycleGanGenerator: input has ${x.shape[1]} channels, the network takes ${this.config.inChannels}`);
    return this.model.forward(x);
  }
}
