// The negative control for every CAM comparison: a map that knows nothing about the network or the
// target. Uniform random values at the layer's own resolution (so it is upsampled and normalised
// exactly as the methods' maps are, and is as coarse as they are), drawn from a stream seeded by
// the input image's content: the same image gets the same map in any order or batch, and a
// faithfulness or agreement score is only worth reporting where a method beats it.
import type { Tensor } from '../../engine/tensor.js';
import { tensor } from '../../engine/creation.js';
import { Rng, hashSeed } from '../../data/rng.js';
import type { CamLayerInput, CamMethod } from './types.js';

/** Seed from the float bits of (at most 4096 evenly spaced) values of one input image. */
function contentSeed(values: Float32Array): number {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const step = Math.max(1, Math.floor(bits.length / 4096));
  let h = hashSeed(0x72616e64, bits.length);
  for (let i = 0; i < bits.length; i += step) h = hashSeed(h, bits[i]);
  return h;
}

export class RandomMap implements CamMethod {
  readonly name = 'random';
  readonly title = 'random map (control)';
  /** Not a published method: the chance level every method must beat. */
  readonly reference = 'control';
  readonly usesGradients = false;
  readonly scaleInvariant = true;
  layerMap(input: CamLayerInput): Tensor {
    const [n, , h, w] = input.activations.shape;
    const x = input.input.to({ dtype: 'float32', device: 'cpu' });
    const all = x.data() as Float32Array;
    x.dispose();
    const perImage = all.length / n;
    const out = new Float32Array(n * h * w);
    for (let i = 0; i < n; i++) {
      const rng = new Rng(contentSeed(all.subarray(i * perImage, (i + 1) * perImage)));
      for (let p = 0; p < h * w; p++) out[i * h * w + p] = rng.next();
    }
    return tensor(out, { shape: [n, h, w], device: input.activations.device });
  }
}
