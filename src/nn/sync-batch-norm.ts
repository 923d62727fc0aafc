// Synchronised batch norm (PyTorch's SyncBatchNorm): in training mode under data-parallel fit,
// the per-channel mean and variance are those of the global batch (every rank's part), so N ranks
// of batch B normalise, and update the running estimates, as one process of batch N·B does.
//
// Forward: each rank's per-channel Σx, Σx² and element count travel in one all-reduce (sums in
// float64, so E[x²] − E[x]² loses nothing that BN's two-pass variance keeps). Backward: the
// all-reduce is differentiable (its gradient is the all-reduce of the incoming gradients, an
// autograd node in the addon: ProcessGroup.allReduceDifferentiable), and the rest is composed of
// differentiable ops, so the gradient of the global loss with respect to a rank's x includes the
// other ranks' dependence on it through the shared statistics; this carries the global sums of
// dy and dy·x̂ that a hand-written SyncBN backward all-reduces.
// Outside a group (one process, or eval mode) the layer is exactly BatchNorm2d.
import { Tensor, noGrad } from '../engine/tensor.js';
import { cat } from '../engine/tensor-shape.js';
import { full } from '../engine/creation.js';
import { tidy } from '../engine/scope.js';
import { syncGroup } from '../distributed/world.js';
import type { ProcessGroup } from '../distributed/process-group.js';
import type { Module } from './module.js';
import { BatchNorm2d, type NormOptions } from './norm.js';

/** BatchNorm2d whose training statistics are reduced over the data-parallel group. */
export class SyncBatchNorm extends BatchNorm2d {
  constructor(numFeatures: number, o: NormOptions = {}) {
    super(numFeatures, o);
  }
  override forward(x: Tensor): Tensor {
    return syncForward(this, x, () => super.forward(x));
  }
}

/**
 * Makes every BatchNorm2d in `model` synchronised (like torch.nn.SyncBatchNorm.convert_sync_batchnorm,
 * but in place: the layers keep their parameters, buffers and names). Returns how many were converted.
 */
export function syncBatchNorm(model: Module): number {
  let n = 0;
  for (const [, m] of model.namedModules()) {
    if (!(m instanceof BatchNorm2d) || m instanceof SyncBatchNorm || Object.prototype.hasOwnProperty.call(m, SYNCED)) continue;
    const plain = m.forward;
    Object.defineProperty(m, 'forward', { value: (x: Tensor) => syncForward(m, x, () => plain.call(m, x)), configurable: true, writable: true, enumerable: false });
    Object.defineProperty(m, SYNCED, { value: true });
    n++;
  }
  return n;
}

/** Whether `m` is a synchronised batch norm (a SyncBatchNorm or converted by syncBatchNorm). */
export function isSyncBatchNorm(m: Module): boolean {
  return m instanceof SyncBatchNorm || Object.prototype.hasOwnProperty.call(m, SYNCED);
}

const SYNCED = Symbol('kensa.syncBatchNorm');

function syncForward(bn: BatchNorm2d, x: Tensor, plain: () => Tensor): Tensor {
  const group = syncGroup();
  if (!bn.training || group === undefined || group.worldSize === 1) return plain();
  return globalBatchNorm(bn, x, group);
}

// x [N, C, ...]: normalised by the statistics of the batch of every rank together
function globalBatchNorm(bn: BatchNorm2d, x: Tensor, group: ProcessGroup): Tensor {
  const c = x.shape[1];
  const dims = x.shape.map((_, i) => i).filter((i) => i !== 1);
  const bshape = x.shape.map((s, i) => (i === 1 ? s : 1)); // [1, C, 1, 1]
  const { mean, varBiased, count } = tidy(() => {
    const xd = x.double();
    const local = cat([xd.sum(dims), xd.square().sum(dims), full([1], x.numel / c, { dtype: 'float64', device: x.device })]); // [2C + 1]
    const total = group.allReduceDifferentiable(local);
    const n = total.narrow(0, 2 * c, 1); // [1], the global element count per channel
    const m = total.narrow(0, 0, c).div(n);
    const v = total.narrow(0, c, c).div(n).sub(m.square()).clampMin(0);
    return { mean: m.to(x.dtype), varBiased: v.to(x.dtype), count: n.item() };
  });
  if (count < 2) throw new Error(`SyncBatchNorm: expected more than 1 value per channel over all ranks when training, got input of shape [${x.shape.join(', ')}]`);
  updateRunningStats(bn, mean, varBiased, count);
  const y = tidy(() => {
    let out = x.sub(mean.view(bshape)).mul(varBiased.add(bn.eps).rsqrt().view(bshape));
    if (bn.weight) out = out.mul(bn.weight.view(bshape));
    if (bn.bias) out = out.add(bn.bias.view(bshape));
    return out;
  });
  mean.dispose();
  varBiased.dispose();
  return y;
}

// PyTorch's rule: running ← (1 − m)·running + m·batch, with the unbiased variance of the global batch
function updateRunningStats(bn: BatchNorm2d, mean: Tensor, varBiased: Tensor, count: number): void {
  if (!bn.trackRunningStats) return;
  const momentum = (bn as unknown as { stepMomentum(): number }).stepMomentum(); // counts the batch
  const rm = bn.runningMean;
  const rv = bn.runningVar;
  noGrad(() =>
    tidy(() => {
      rm?.mul_(1 - momentum).add_(mean.detach(), momentum);
      rv?.mul_(1 - momentum).add_(varBiased.detach().mul(count / (count - 1)), momentum);
    }),
  );
}
