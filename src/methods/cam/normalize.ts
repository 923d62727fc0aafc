// Min-max scaling of maps to [0, 1], shared by the pipeline and Score-CAM's masks. A constant map
// becomes all zeros; no epsilon is added to the range, so scaling a map by c > 0 leaves the
// result exactly unchanged (an additive epsilon would not, for maps with a small range).
import type { Tensor } from '../../engine/tensor.js';
import { tidy } from '../../engine/scope.js';

/** Scales each of the first `batchDims` leading slices of m (e.g. per image, per channel) to [0, 1]. */
export function minMaxScale(m: Tensor, batchDims = 1): Tensor {
  return tidy(() => {
    const lead = m.shape.slice(0, batchDims);
    const keepShape = [...lead, ...m.shape.slice(batchDims).map(() => 1)];
    const flat = m.reshape([...lead, -1]);
    const lo = flat.amin(batchDims).view(keepShape);
    const range = flat.amax(batchDims).view(keepShape).sub(lo);
    return m.sub(lo).div(range.where(range.gt(0), 1));
  });
}
