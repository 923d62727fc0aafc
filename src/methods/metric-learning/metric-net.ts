// The network trained by `kensa metric train`: a backbone (registry below), a linear projection to
// the embedding, and a classification head (softmax or a metric head from heads/registry.ts).
import type { Tensor } from '../../engine/index.js';
import { tidy } from '../../engine/index.js';
import { Module, Linear, BatchNorm1d, type BatchNorm2d } from '../../nn/index.js';
import { MiniVgg, ResNet } from '../../models/index.js';
import { createHead, type ClassifierHead } from './heads/index.js';

/** Everything needed to rebuild a MetricNet (stored as the run's model.json). */
export interface MetricNetConfig {
  /** 'minivgg' | 'resnet18' (see BACKBONES). */
  backbone: string;
  /** Backbone width: channels of the first block/stage. */
  width: number;
  /** Stored tile edge (after downsampling). */
  inputSize: number;
  embeddingSize: number;
  head: string;
  numClasses: number;
  /** Metric heads' scale s. @default the head's default (64) */
  scale?: number;
  /** Metric heads' margin. @default the head's default */
  margin?: number;
  /**
   * mini-VGG: 'flatten' keeps every position of the last feature map (size-dependent, position-
   * coded); 'gap' averages it over space (global average pooling, 4·width features). ResNet-18
   * always pools. @default 'flatten' (models stored before this option)
   */
  pool?: 'flatten' | 'gap';
}

interface Backbone extends Module {
  featureSize: number;
  /** [N, featureSize] */
  features(x: Tensor): Tensor;
}

class VggBackbone extends Module implements Backbone {
  readonly net: MiniVgg;
  readonly featureSize: number;
  readonly gap: boolean;
  constructor(c: MetricNetConfig) {
    super();
    const pool = c.pool ?? 'flatten';
    if (pool !== 'flatten' && pool !== 'gap') throw new RangeError(`unknown pool '${String(pool)}' (flatten or gap)`);
    this.gap = pool === 'gap';
    this.net = this.registerModule('net', new MiniVgg({ inChannels: 1, inputSize: c.inputSize, widths: [c.width, 2 * c.width, 4 * c.width], denseWidth: 0, numClasses: 2, batchNorm: true }));
    this.featureSize = this.gap ? 4 * c.width : this.net.featureSize;
  }
  features(x: Tensor): Tensor {
    // gap: [N,4w,h,w] → mean over the two spatial axes → [N,4w]
    return tidy(() => (this.gap ? this.net.features.forward(x).mean([2, 3]) : this.net.embed.forward(this.net.features.forward(x))));
  }
  forward(x: Tensor): Tensor {
    return this.features(x);
  }
}

class ResNetBackbone extends Module implements Backbone {
  readonly net: ResNet;
  readonly featureSize: number;
  constructor(c: MetricNetConfig) {
    super();
    this.net = this.registerModule('net', new ResNet({ inChannels: 1, width: c.width, stem: 'small' }));
    this.featureSize = this.net.featureSize;
  }
  features(x: Tensor): Tensor {
    return this.net.forwardFeaturesOnly(x);
  }
  forward(x: Tensor): Tensor {
    return this.features(x);
  }
}

export const BACKBONES: Record<string, { summary: string; create(c: MetricNetConfig): Backbone }> = {
  minivgg: { summary: 'mini-VGG: three blocks of two 3×3 convs + BN, max pooling, flattened (or globally averaged: pool gap)', create: (c) => new VggBackbone(c) },
  resnet18: { summary: 'ResNet-18 (2-2-2-2 basic blocks), 3×3 stem, global average pooling', create: (c) => new ResNetBackbone(c) },
};

export class MetricNet extends Module {
  readonly backbone: Backbone;
  readonly project: Linear;
  readonly bn: BatchNorm2d;
  readonly head: ClassifierHead;
  constructor(readonly config: MetricNetConfig) {
    super();
    const b = BACKBONES[config.backbone];
    if (!b) throw new RangeError(`unknown backbone '${config.backbone}' (one of ${Object.keys(BACKBONES).join(', ')})`);
    this.backbone = this.registerModule('backbone', b.create(config));
    this.project = this.registerModule('project', new Linear(this.backbone.featureSize, config.embeddingSize));
    this.bn = this.registerModule('bn', new BatchNorm1d(config.embeddingSize));
    this.head = this.registerModule('head', createHead(config.head, { embeddingSize: config.embeddingSize, numClasses: config.numClasses, scale: config.scale, margin: config.margin }));
  }
  /** Embeddings [N, embeddingSize] (before any normalisation) of tiles [N,1,t,t]. */
  embed(x: Tensor): Tensor {
    return tidy(() => this.bn.forward(this.project.forward(this.backbone.features(x))));
  }
  forward(x: Tensor): Tensor {
    return tidy(() => this.head.logits(this.embed(x)));
  }
}
