// Weight initialisers with PyTorch's formulas (torch.nn.init), drawing from the global generator
// in the same order, so a seeded kensa layer gets the same weights as the seeded PyTorch layer.
import type { Tensor } from '../engine/tensor.js';
import { noGrad } from '../engine/tensor.js';

export type Nonlinearity = 'linear' | 'conv' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu';

/** Recommended gain for a nonlinearity (torch.nn.init.calculate_gain). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear':
    case 'conv':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.sqrt(2);
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
  }
}

/** fan_in = shape[1]·receptive field, fan_out = shape[0]·receptive field. */
export function fanInOut(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 2) throw new Error('fan in/out needs a tensor with at least 2 dimensions');
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[1] * receptive, fanOut: shape[0] * receptive };
}

export function uniform_(t: Tensor, a: number, b: number): Tensor {
  return noGrad(() => t.uniform_(a, b));
}

export function normal_(t: Tensor, mean = 0, std = 1): Tensor {
  return noGrad(() => t.normal_(mean, std));
}

export function constant_(t: Tensor, value: number): Tensor {
  return noGrad(() => t.fill_(value));
}

export function zeros_(t: Tensor): Tensor {
  return constant_(t, 0);
}

export function ones_(t: Tensor): Tensor {
  return constant_(t, 1);
}

export interface KaimingOptions {
  /** Negative slope of the rectifier after this layer. @default 0 */
  a?: number;
  /** @default 'fanIn' */
  mode?: 'fanIn' | 'fanOut';
  /** @default 'leaky_relu' */
  nonlinearity?: Nonlinearity;
}

export function kaimingUniform_(t: Tensor, o: KaimingOptions = {}): Tensor {
  const { fanIn, fanOut } = fanInOut(t.shape);
  const fan = (o.mode ?? 'fanIn') === 'fanIn' ? fanIn : fanOut;
  const gain = calculateGain(o.nonlinearity ?? 'leaky_relu', o.a ?? 0);
  const bound = Math.sqrt(3.0) * (gain / Math.sqrt(fan));
  return uniform_(t, -bound, bound);
}

export function kaimingNormal_(t: Tensor, o: KaimingOptions = {}): Tensor {
  const { fanIn, fanOut } = fanInOut(t.shape);
  const fan = (o.mode ?? 'fanIn') === 'fanIn' ? fanIn : fanOut;
  const std = calculateGain(o.nonlinearity ?? 'leaky_relu', o.a ?? 0) / Math.sqrt(fan);
  return normal_(t, 0, std);
}

export function xavierUniform_(t: Tensor, gain = 1): Tensor {
  const { fanIn, fanOut } = fanInOut(t.shape);
  const bound = Math.sqrt(3.0) * gain * Math.sqrt(2.0 / (fanIn + fanOut));
  return uniform_(t, -bound, bound);
}

export function xavierNormal_(t: Tensor, gain = 1): Tensor {
  const { fanIn, fanOut } = fanInOut(t.shape);
  return normal_(t, 0, gain * Math.sqrt(2.0 / (fanIn + fanOut)));
}

/** PyTorch's default for conv and linear layers: kaiming_uniform(a=√5) weights, U(±1/√fan_in) bias. */
export function defaultLayerInit_(weight: Tensor, bias: Tensor | undefined, fanInShape: readonly number[] = weight.shape): void {
  kaimingUniform_(weight, { a: Math.sqrt(5) });
  if (bias !== undefined) {
    const { fanIn } = fanInOut(fanInShape);
    const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
    uniform_(bias, -bound, bound);
  }
}
