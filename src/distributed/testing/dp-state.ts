// Shared by the data-parallel test workers: a model's weights and float running statistics as JSON,
// and Adam damped against amplifying rounding noise.
import type { Module } from '../../nn/module.js';
import type { Tensor } from '../../engine/tensor.js';

type Weights = Record<string, number[]>;

/** Parameters and float32 buffers (num_batches_tracked, an int64 counter, left out) as plain arrays. */
export function stateOf(m: Module): { weights: Weights; buffers: Weights } {
  const weights = m.namedParameters().map(([k, t]) => [k, Array.from(t.data() as Float32Array)]);
  const buffers = m.namedBuffers().filter(([, t]) => t.dtype === 'float32').map(([k, t]) => [k, Array.from(t.data() as Float32Array)]);
  return { weights: Object.fromEntries(weights), buffers: Object.fromEntries(buffers) };
}

/**
 * Adam's eps raised from 1e-8 to 1e-3. A gradient that is analytically 0 (a bias feeding a norm,
 * a batch-norm shift whose channel stays positive into a later batch norm) is rounding noise of
 * about 1e-9 whose value depends on the summation order, so on the batch split; Adam divides it
 * by its own root mean square and moves the parameter by about lr per step in a random direction.
 * With eps 1e-3 such noise moves nothing, while real gradients of these tiny models (1e-3 and up)
 * are updated almost as with the default.
 */
export function dampedAdam(opts: { groups: { hyper: { eps: number } }[] }[], eps = 1e-3): void {
  for (const o of opts) for (const g of o.groups) g.hyper.eps = eps;
}

/**
 * The biases of the layers that feed a norm (`norm`: BatchNorm2d, InstanceNorm2d) directly, in
 * module order. Such a bias shifts every value of a channel alike, which the norm removes: its
 * gradient is 0 but for rounding noise that depends on how the batch was split.
 */
export function biasesBeforeNorm(m: Module, norm: abstract new (...a: never[]) => Module): Tensor[] {
  const leaves = m.namedModules().map(([, x]) => x).filter((x) => x.children().length === 0);
  return leaves.flatMap((x, i) => (leaves[i + 1] instanceof norm ? x.namedParameters().filter(([k]) => k === 'bias').map(([, p]) => p) : []));
}

/**
 * Keeps `params` at their initial values: their gradients are zeroed before each step of `opts`
 * (after fit's all-reduce, which wraps the step later), so Adam's moments stay 0 and nothing moves.
 * Unlike requiresGrad = false this survives a trainer that switches whole networks on and off.
 */
export function frozen(params: Tensor[], opts: { step(): void }[]): void {
  for (const opt of opts) {
    const step = opt.step.bind(opt);
    opt.step = () => {
      for (const p of params) {
        const g = p.grad;
        g?.zero_();
        g?.dispose();
      }
      step();
    };
  }
}
