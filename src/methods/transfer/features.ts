// Frozen features of a classifier network for AdaBoost: the activations of one layer (the dense
// embedding, or a layer of the convolutional trunk, global-average-pooled or flattened), or the
// raw patch intensities; one row per image of a set.
import { noGrad, tensor, tidy, type Tensor } from '../../engine/index.js';
import type { ImageSet } from '../../data/image-set.js';
import { MiniVgg } from '../../models/index.js';
import { OptionError } from '../../util/errors.js';
import type { ClassifierNet } from '../classify/backbones.js';
import type { FeatureMatrix } from './decision-stump.js';

export const FEATURE_POOLS = ['gap', 'flatten'] as const;
/** 'gap': mean over the spatial positions of each channel; 'flatten': every activation. */
export type FeaturePool = (typeof FEATURE_POOLS)[number];

/** Layers a mini-VGG offers: 'embed' (the dense layer before the classifier), then 'features.<i>' of the trunk. */
export function featureLayers(net: ClassifierNet): string[] {
  if (!(net instanceof MiniVgg)) throw new OptionError('--layer', 'frozen features are read from mini-VGG networks only');
  return ['embed', ...Array.from({ length: net.features.length }, (_, i) => `features.${i}`)];
}

/** Throws a one-line OptionError naming every valid layer unless `layer` is one of `net`'s. */
export function checkLayer(net: ClassifierNet, layer: string, pool: string): void {
  const layers = featureLayers(net);
  if (!layers.includes(layer)) throw new OptionError('--layer', `unknown layer '${layer}'; valid layers: ${layers.join(', ')}`);
  if (!(FEATURE_POOLS as readonly string[]).includes(pool)) throw new OptionError('--pool', `must be one of ${FEATURE_POOLS.join(', ')}, got ${String(pool)}`);
}

/** A layer and its pooling, written 'LAYER' or 'LAYER/POOL' (e.g. 'embed', 'features.19/gap'). */
export interface LayerChoice {
  layer: string;
  pool: FeaturePool;
}

/** Parses a comma-separated list of 'LAYER[/POOL]' (pool defaults to 'gap'). */
export function parseLayerList(s: string, option = '--layers'): LayerChoice[] {
  const out = s.split(',').map((x) => x.trim()).filter((x) => x !== '').map((x) => {
    const [layer, pool = 'gap', extra] = x.split('/');
    if (extra !== undefined || layer === '') throw new OptionError(option, `expected LAYER or LAYER/POOL, got '${x}'`);
    if (!(FEATURE_POOLS as readonly string[]).includes(pool)) throw new OptionError(option, `pool of '${x}' must be one of ${FEATURE_POOLS.join(', ')}`);
    return { layer, pool: pool as FeaturePool };
  });
  if (out.length === 0) throw new OptionError(option, 'names no layer');
  return out;
}

/** Features [N, D] of every image of `set` at `layer`, in eval mode without gradients. */
export function layerFeatures(net: ClassifierNet, set: ImageSet, layer: string, pool: FeaturePool, o: { norm?: { mean: number; std: number }; device?: string; batchSize?: number } = {}): FeatureMatrix {
  checkLayer(net, layer, pool);
  const vgg = net as MiniVgg;
  const per = set.channels * set.size * set.size;
  const mean = o.norm?.mean ?? 0;
  const inv = 1 / (o.norm?.std ?? 1);
  const bs = o.batchSize ?? 64;
  const rows: Float32Array[] = [];
  let cols = 0;
  const was = net.training;
  net.eval();
  noGrad(() => {
    for (let s = 0; s < set.count; s += bs) {
      const n = Math.min(bs, set.count - s);
      const x = set.data.slice(s * per, (s + n) * per).map((v) => (v - mean) * inv);
      const out = tidy(() => {
        const input = tensor(x, { shape: [n, set.channels, set.size, set.size], device: o.device ?? 'cpu' });
        let h: Tensor;
        if (layer === 'embed') h = vgg.embed.forward(vgg.features.forward(input));
        else {
          const key = layer.slice('features.'.length);
          const { output, intermediates } = vgg.features.forwardIntermediates(input, [key]);
          output.dispose();
          h = intermediates.get(key)!;
        }
        const f = h.shape.length === 4 && pool === 'gap' ? h.mean([2, 3]) : h.flatten(1);
        return f.cpu().data() as Float32Array;
      });
      cols = out.length / n;
      rows.push(Float32Array.from(out));
    }
  });
  net.train(was);
  const data = new Float32Array(set.count * cols);
  let o2 = 0;
  for (const r of rows) {
    data.set(r, o2);
    o2 += r.length;
  }
  return { rows: set.count, cols, data };
}

/** The patch intensities themselves as features (the no-network baseline). */
export function rawFeatures(set: ImageSet): FeatureMatrix {
  return { rows: set.count, cols: set.channels * set.size * set.size, data: Float32Array.from(set.data) };
}

/** Rows `idx` of a feature matrix. */
export function featureRows(f: FeatureMatrix, idx: readonly number[]): FeatureMatrix {
  const data = new Float32Array(idx.length * f.cols);
  idx.forEach((i, k) => data.set(f.data.subarray(i * f.cols, (i + 1) * f.cols), k * f.cols));
  return { rows: idx.length, cols: f.cols, data };
}
