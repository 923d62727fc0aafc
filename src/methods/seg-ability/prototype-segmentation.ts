// Prototype segmentation of a feature map (He et al., "Segmentation Ability Map: Interpret deep
// features for medical image segmentation", Medical Image Analysis 2023, arXiv 2212.09206): with a
// guide B ∈ [0, 1] per pixel, the object prototype is c_t = Σ f·B / Σ B and the background prototype
// c_b = Σ f·(1 − B) / Σ (1 − B); a pixel is object when it is strictly nearer c_t than c_b in squared
// Euclidean distance (ties go to background, as an argmax over [−d_b, −d_t] does). The soft form is
// softmax([−d_b, −d_t]) = σ(d_b − d_t). Features are [C, P] (channels × pixels of one image).
import { tidy, type Tensor } from '../../engine/index.js';

/** Object and background prototypes [C] (NaN where the guide has no object, or no background, mass). */
export interface Prototypes {
  object: Tensor;
  background: Tensor;
  /** Σ B and Σ (1 − B). */
  objectMass: number;
  backgroundMass: number;
}

/** Prototypes of features [C, P] under a guide [P]. */
export function prototypes(f: Tensor, guide: Tensor): Prototypes {
  return tidy(() => {
    const g = guide.float();
    const inv = g.neg().add(1);
    const objectMass = g.sum().item();
    const backgroundMass = inv.sum().item();
    return { object: f.matmul(g).div(objectMass), background: f.matmul(inv).div(backgroundMass), objectMass, backgroundMass };
  });
}

/** Squared distances [P] of every pixel to a prototype [C], summed over channels. */
export function squaredDistance(f: Tensor, proto: Tensor): Tensor {
  return tidy(() => f.sub(proto.unsqueeze(1)).square().sum(0));
}

/** Binary object map [P] (float 0/1) from all channels: d_t < d_b; all background without object mass, all object without background mass. */
export function layerMap(f: Tensor, p: Prototypes): Tensor {
  return tidy(() => {
    if (p.objectMass === 0) return f.select(0, 0).mul(0);
    if (p.backgroundMass === 0) return f.select(0, 0).mul(0).add(1);
    return squaredDistance(f, p.object).lt(squaredDistance(f, p.background)).float();
  });
}

/** Binary object maps [C, P] (float 0/1), one per channel alone: (f_c − t_c)² < (f_c − b_c)². */
export function unitMaps(f: Tensor, p: Prototypes): Tensor {
  return tidy(() => {
    if (p.objectMass === 0) return f.mul(0);
    if (p.backgroundMass === 0) return f.mul(0).add(1);
    const dt = f.sub(p.object.unsqueeze(1)).square();
    const db = f.sub(p.background.unsqueeze(1)).square();
    return dt.lt(db).float();
  });
}

/** Differentiable object probability [P] from all channels: σ(d_b − d_t). */
export function softLayerMap(f: Tensor, p: Prototypes): Tensor {
  return tidy(() => squaredDistance(f, p.background).sub(squaredDistance(f, p.object)).sigmoid());
}

/** Dice per row of binary maps [R, P] against a binary target [P] (both empty = 1). */
export function rowDice(maps: Tensor, target: Tensor): Float64Array {
  const [tp, pred, truth] = tidy(() => {
    const t = target.float();
    return [maps.matmul(t).data() as Float32Array, maps.sum(1).data() as Float32Array, t.sum().item()] as const;
  });
  return Float64Array.from(tp, (x, i) => (pred[i] + truth === 0 ? 1 : (2 * x) / (pred[i] + truth)));
}
