// Ready-made CAM targets: a class's raw score (logit) or its softmax probability, for one class
// shared by every image or one class per image.
import type { Tensor } from '../../engine/tensor.js';
import { tensor } from '../../engine/creation.js';
import { tidy } from '../../engine/scope.js';
import { softmax } from '../../nn/functional.js';
import { OptionError } from '../../util/errors.js';
import type { CamTarget } from './types.js';

function classPicker(cls: number | readonly number[]): (output: Tensor, image: readonly number[]) => Tensor {
  const list = typeof cls === 'number' ? undefined : [...cls];
  for (const c of list ?? [cls as number]) {
    if (!Number.isInteger(c) || c < 0) throw new OptionError('target', `a class index must be a non-negative integer, got ${c}`);
  }
  return (scores, image) =>
    tidy(() => {
      const [m, k] = scores.shape;
      const rows = list === undefined ? Array.from({ length: m }, () => cls as number) : image.map((i) => list[i]);
      if (rows.some((c) => c === undefined)) throw new OptionError('target', `${list!.length} classes given for more images`);
      const bad = rows.find((c) => c >= k);
      if (bad !== undefined) throw new OptionError('target', `class ${bad} does not exist: the network has ${k} outputs`);
      const idx = tensor(rows, { dtype: 'int64', device: scores.device }).unsqueeze(1);
      return scores.gather(1, idx).squeeze(1);
    });
}

/** The raw score (logit) of a class: one index for every image, or one per image. */
export function classTarget(cls: number | readonly number[]): CamTarget {
  return classPicker(cls);
}

/** The softmax probability of a class (one index, or one per image). */
export function classProbabilityTarget(cls: number | readonly number[]): CamTarget {
  const pick = classPicker(cls);
  return (output, image) => tidy(() => pick(softmax(output, 1), image));
}

/** The arg-max class of each row of [N, classes] scores. */
export function predictedClasses(output: Tensor): number[] {
  return tidy(() => Array.from(output.argmax(1).data() as BigInt64Array, Number));
}

/** Row indices 0..n-1, the `image` argument for one row per image. */
export function rowImages(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
