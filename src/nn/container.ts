// Sequential: children applied in order, named "0", "1", ... as in PyTorch.
import { Tensor } from '../engine/tensor.js';
import { Module, type TensorModule } from './module.js';

export interface IntermediatesResult {
  output: Tensor;
  /** Output of each requested child, keyed by the child's name. */
  intermediates: Map<string, Tensor>;
}

export class Sequential extends Module {
  private readonly layers: TensorModule[];
  constructor(...layers: TensorModule[]) {
    super();
    this.layers = layers;
    layers.forEach((m, i) => this.registerModule(String(i), m));
  }
  get length(): number {
    return this.layers.length;
  }
  at(i: number): TensorModule {
    const m = this.layers[i < 0 ? i + this.layers.length : i];
    if (m === undefined) throw new RangeError(`Sequential: no layer ${i}`);
    return m;
  }
  forward(x: Tensor): Tensor {
    let h = x;
    for (const layer of this.layers) {
      const next = layer.forward(h);
      if (h !== x) h.dispose();
      h = next;
    }
    return h === x ? h.view(h.shape) : h;
  }
  /**
   * Runs the chain and also returns the outputs of the children named in `keep` (all children
   * when omitted). Those tensors stay alive; everything else in between is disposed.
   */
  forwardIntermediates(x: Tensor, keep?: readonly string[]): IntermediatesResult {
    const want = keep === undefined ? undefined : new Set(keep);
    const intermediates = new Map<string, Tensor>();
    let h = x;
    this.layers.forEach((layer, i) => {
      const next = layer.forward(h);
      if (h !== x && !intermediates.has(String(i - 1))) h.dispose();
      h = next;
      if (want === undefined || want.has(String(i))) intermediates.set(String(i), h);
    });
    const output = intermediates.has(String(this.layers.length - 1)) ? h.view(h.shape) : h;
    return { output, intermediates };
  }
}
