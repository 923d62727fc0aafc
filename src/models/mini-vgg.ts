// Mini-VGG: VGG-style blocks of 3×3 convolutions and max pooling, then a small dense head
// (Simonyan & Zisserman, arXiv 1409.1556, scaled down for 32×32-ish inputs and tiles).
import { Tensor } from '../engine/tensor.js';
import { tidy } from '../engine/scope.js';
import { Module, Sequential, Conv2d, BatchNorm2d, ReLU, MaxPool2d, Flatten, Linear, Dropout, type TensorModule } from '../nn/index.js';

export interface MiniVggOptions {
  /** @default 3 */ inChannels?: number;
  /** Input height = width. @default 32 */ inputSize?: number;
  /** Channels of each block (two convs per block, then 2×2 max pool). @default [32, 64, 128] */ widths?: number[];
  /** Width of the dense layer before the classifier; 0 = none. @default 256 */ denseWidth?: number;
  /** @default 10 */ numClasses?: number;
  /** Batch norm after each conv. @default false */ batchNorm?: boolean;
  /** Dropout before the classifier. @default 0 */ dropout?: number;
}

export interface FeatureResult {
  /** Output of the dense layer (the embedding used by metric-learning heads), [N, denseWidth]. */
  features: Tensor;
  logits: Tensor;
}

export class MiniVgg extends Module {
  readonly features: Sequential;
  readonly embed: Sequential;
  readonly classifier: Linear;
  readonly featureSize: number;
  constructor(readonly options: MiniVggOptions = {}) {
    super();
    const inC = options.inChannels ?? 3;
    const size = options.inputSize ?? 32;
    const widths = options.widths ?? [32, 64, 128];
    const dense = options.denseWidth ?? 256;
    const layers: TensorModule[] = [];
    let c = inC;
    for (const w of widths) {
      for (let k = 0; k < 2; k++) {
        layers.push(new Conv2d(c, w, 3, { padding: 1 }));
        if (options.batchNorm) layers.push(new BatchNorm2d(w));
        layers.push(new ReLU());
        c = w;
      }
      layers.push(new MaxPool2d(2));
    }
    this.features = this.registerModule('features', new Sequential(...layers));
    const spatial = Math.floor(size / 2 ** widths.length);
    if (spatial < 1) throw new Error(`MiniVgg: input ${size} is too small for ${widths.length} pooling blocks`);
    const flat = c * spatial * spatial;
    const embed: TensorModule[] = [new Flatten()];
    if (dense > 0) embed.push(new Linear(flat, dense), new ReLU());
    if ((options.dropout ?? 0) > 0) embed.push(new Dropout(options.dropout));
    this.embed = this.registerModule('embed', new Sequential(...embed));
    this.featureSize = dense > 0 ? dense : flat;
    this.classifier = this.registerModule('classifier', new Linear(this.featureSize, options.numClasses ?? 10));
  }
  forward(x: Tensor): Tensor {
    return tidy(() => this.classifier.forward(this.embed.forward(this.features.forward(x))));
  }
  /** Embedding and logits in one pass. */
  forwardFeatures(x: Tensor): FeatureResult {
    return tidy(() => {
      const features = this.embed.forward(this.features.forward(x));
      return { features, logits: this.classifier.forward(features) };
    });
  }
  /** Activations after every layer of the convolutional trunk, keyed "features.<i>". */
  forwardIntermediates(x: Tensor): Map<string, Tensor> {
    const { output, intermediates } = this.features.forwardIntermediates(x);
    output.dispose();
    return new Map([...intermediates].map(([k, v]) => [`features.${k}`, v]));
  }
}
