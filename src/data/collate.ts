// Stack samples into engine tensors: images [N,C,H,W] float32, labels [N] int64, masks [N,H,W] int64.
import { tensor, type Tensor } from '../engine/index.js';
import { OptionError } from '../util/errors.js';
import type { Batch, Sample } from './types.js';

/** A batch from samples of one size; `indices` are their dataset indices. Runs on the main thread. */
export function collate(samples: readonly Sample[], indices: readonly number[]): Batch {
  if (samples.length === 0) throw new OptionError('batch', 'no samples to collate');
  const { channels: C, height: H, width: W } = samples[0].image;
  const per = C * H * W;
  const images = new Float32Array(samples.length * per);
  const hasLabel = samples[0].label !== undefined;
  const hasMask = samples[0].mask !== undefined;
  const labels = hasLabel ? new BigInt64Array(samples.length) : undefined;
  const masks = hasMask ? new BigInt64Array(samples.length * H * W) : undefined;
  samples.forEach((s, n) => {
    const im = s.image;
    if (im.channels !== C || im.height !== H || im.width !== W || im.data.length !== per) {
      throw new OptionError('batch', `item ${indices[n]} is ${im.channels}x${im.height}x${im.width}, the batch is ${C}x${H}x${W}`);
    }
    images.set(im.data, n * per);
    if ((s.label !== undefined) !== hasLabel) throw new OptionError('batch', `item ${indices[n]} ${hasLabel ? 'lacks' : 'has'} a label, unlike the first`);
    if (labels) {
      if (!Number.isInteger(s.label)) throw new OptionError('label', `item ${indices[n]} has label ${s.label}, not an integer`);
      labels[n] = BigInt(s.label!);
    }
    if ((s.mask !== undefined) !== hasMask) throw new OptionError('batch', `item ${indices[n]} ${hasMask ? 'lacks' : 'has'} a mask, unlike the first`);
    if (masks) {
      const m = s.mask!;
      if (m.height !== H || m.width !== W || m.data.length !== H * W) throw new OptionError('mask', `item ${indices[n]} mask is ${m.height}x${m.width}, image ${H}x${W}`);
      for (let i = 0; i < H * W; i++) {
        const v = m.data[i];
        if (!Number.isInteger(v)) throw new OptionError('mask', `item ${indices[n]} holds ${v}, not a class index`);
        masks[n * H * W + i] = BigInt(v);
      }
    }
  });
  const made: Tensor[] = [];
  const batch: Batch = {
    images: tensor(images, { shape: [samples.length, C, H, W] }),
    indices: [...indices],
    dispose() {
      for (const t of made) if (!t.isDisposed) t.dispose();
    },
    [Symbol.dispose]() {
      this.dispose();
    },
  };
  made.push(batch.images);
  if (labels) made.push((batch.labels = tensor(labels, { shape: [samples.length] })));
  if (masks) made.push((batch.masks = tensor(masks, { shape: [samples.length, H, W] })));
  return batch;
}
