// The CAM pipeline shared by every method: capture the layers' outputs (and gradients of the
// target), let the method make a map per layer, then ReLU, bilinear upsampling to the input size,
// min-max normalisation per image, and the mean over layers (normalised again).
import { Tensor, grad, noGrad, enableGrad } from '../../engine/tensor.js';
import { stack } from '../../engine/tensor-shape.js';
import { keep, tidy } from '../../engine/scope.js';
import { interpolate } from '../../nn/functional.js';
import { OptionError } from '../../util/errors.js';
import { LayerCapture } from './capture.js';
import { minMaxScale } from './normalize.js';
import { camMethod } from './registry.js';
import { classTarget, predictedClasses, rowImages } from './targets.js';
import type { CamMethod, CamNet, CamTarget } from './types.js';

export interface CamOptions {
  /** A method from the registry (by name) or a CamMethod. @default 'gradcam' */
  method?: string | CamMethod;
  /** Layers by module path ('features.4', 'layer4.1'); several layers are averaged. (required) */
  layers: string | readonly string[];
  /** A class index for every image, one per image, or any CamTarget. @default the predicted class of each image */
  target?: number | readonly number[] | CamTarget;
  /** Largest batch of the extra forward passes some methods make (Score-CAM). @default 32 */
  batchSize?: number;
}

export interface CamResult {
  /** One map per image, [N,H,W] at the input's size, each min-max scaled to [0, 1]. */
  maps: Tensor;
  /** Network output on the input, [N, classes]. */
  output: Tensor;
  /** Class explained per image when the target was a class or the default (predicted) class. */
  classes?: number[];
}

/** Min-max scaling of each map of [N,H,W] to [0, 1] (a constant map becomes 0). */
export function normalizeMaps(m: Tensor): Tensor {
  return minMaxScale(m, 1);
}

/** ReLU, bilinear upsampling of [N,h,w] to [N,H,W], and min-max scaling. */
export function finishLayerMap(m: Tensor, height: number, width: number): Tensor {
  return tidy(() => {
    const up = interpolate(m.relu().unsqueeze(1), { size: [height, width], mode: 'bilinear' }).squeeze(1);
    return normalizeMaps(up);
  });
}

/** Class activation maps of `input` [N,C,H,W] for the chosen method, layers and target. */
export function computeCam(net: CamNet, input: Tensor, options: CamOptions): CamResult {
  const method = typeof options.method === 'object' ? options.method : camMethod(options.method ?? 'gradcam');
  const layers = typeof options.layers === 'string' ? [options.layers] : [...options.layers];
  const batchSize = options.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new OptionError('batchSize', `must be a positive integer, got ${batchSize}`);
  if (input.ndim !== 4) throw new OptionError('input', `must be [N,C,H,W], got [${input.shape.join(',')}]`);
  const [n, , height, width] = input.shape;
  const images = rowImages(n);
  const wasTraining = net.training;
  net.eval();
  const capture = new LayerCapture(net, layers);
  const grads: Tensor[] = [];
  let output: Tensor | undefined;
  try {
    let classes: number[] | undefined;
    let target: CamTarget | undefined;
    const run = (): void => {
      // the input requires grad so a network with frozen weights still has a graph; grad() only
      // follows the paths to the captured layers, so nothing else is computed
      const x = method.usesGradients ? keep(input.detach().requiresGrad_(true)) : input;
      try {
        // in a tidy, so a layer that throws mid-forward leaves nothing behind
        output = keep(tidy(() => net.forward(x)));
      } finally {
        if (x !== input) x.dispose();
      }
      if (typeof options.target === 'function') target = options.target;
      else {
        const t = options.target;
        classes = t === undefined ? predictedClasses(output) : typeof t === 'number' ? images.map(() => t) : [...t];
        if (classes.length !== n) throw new OptionError('target', `${classes.length} classes for ${n} images`);
        target = classTarget(classes);
      }
      if (!method.usesGradients) return;
      const acts = layers.map((l) => capture.get(l));
      const got = tidy(() => grad(target!(output!, images).sum(), acts, { allowUnused: true }));
      got.forEach((g, i) => grads.push(keep(g ?? acts[i].detach().mul(0))));
    };
    if (method.usesGradients) enableGrad(run);
    else noGrad(run);
    capture.detach();
    const score = (x: Tensor, rows: readonly number[]): Tensor => tidy(() => target!(net.forward(x), rows));
    const maps = noGrad(() =>
      tidy(() => {
        const per = layers.map((l, i) =>
          finishLayerMap(method.layerMap({ activations: capture.get(l).detach(), gradients: grads[i], input, score, batchSize }), height, width),
        );
        return per.length === 1 ? per[0] : normalizeMaps(stack(per, 0).mean(0));
      }),
    );
    return { maps, output: noGrad(() => output!.detach()), classes };
  } finally {
    output?.dispose();
    capture.dispose();
    for (const g of grads) g.dispose();
    if (wasTraining) net.train();
  }
}
