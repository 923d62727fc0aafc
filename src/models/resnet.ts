// ResNet-18-style network: a stem, four stages of two basic residual blocks (3×3 conv-BN-ReLU,
// 3×3 conv-BN, identity or 1×1 projection shortcut), global average pooling (He et al., CVPR 2016,
// arXiv 1512.03385, Table 1). Width and input channels are options; parameter names follow
// torchvision's resnet18 (conv1, bn1, layer1.0.conv1, …, fc).
import { Tensor } from '../engine/tensor.js';
import { tidy } from '../engine/scope.js';
import { Module, Sequential, Conv2d, BatchNorm2d, Linear, F } from '../nn/index.js';
import type { FeatureResult } from './mini-vgg.js';

export interface ResNetOptions {
  /** @default 3 */ inChannels?: number;
  /** Channels of the first stage; stages have width·[1, 2, 4, 8]. @default 64 */ width?: number;
  /** Basic blocks per stage. @default [2, 2, 2, 2] (ResNet-18) */ blocks?: number[];
  /**
   * 'imagenet': 7×7 stride-2 conv and 3×3 stride-2 max pool (torchvision); 'small': one 3×3
   * stride-1 conv, for tiles of 32–128 px. @default 'imagenet'
   */
  stem?: 'imagenet' | 'small';
  /** Classes of the linear classifier on the pooled features; 0 = no classifier. @default 0 */
  numClasses?: number;
}

/** Two 3×3 convolutions with batch norm and a shortcut (projected when shape changes). */
export class BasicBlock extends Module {
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly conv2: Conv2d;
  readonly bn2: BatchNorm2d;
  readonly downsample?: Sequential;
  constructor(inC: number, outC: number, stride: number) {
    super();
    this.conv1 = this.registerModule('conv1', new Conv2d(inC, outC, 3, { stride, padding: 1, bias: false }));
    this.bn1 = this.registerModule('bn1', new BatchNorm2d(outC));
    this.conv2 = this.registerModule('conv2', new Conv2d(outC, outC, 3, { padding: 1, bias: false }));
    this.bn2 = this.registerModule('bn2', new BatchNorm2d(outC));
    if (stride !== 1 || inC !== outC) {
      this.downsample = this.registerModule('downsample', new Sequential(new Conv2d(inC, outC, 1, { stride, bias: false }), new BatchNorm2d(outC)));
    }
  }
  forward(x: Tensor): Tensor {
    return tidy(() => {
      const h = this.bn2.forward(this.conv2.forward(this.bn1.forward(this.conv1.forward(x)).relu()));
      const short = this.downsample ? this.downsample.forward(x) : x;
      return h.add(short).relu();
    });
  }
}

export class ResNet extends Module {
  readonly stemLayers: Sequential;
  readonly stages: Sequential[];
  readonly fc?: Linear;
  /** Channels of the pooled feature vector (width·8 for four stages). */
  readonly featureSize: number;
  constructor(readonly options: ResNetOptions = {}) {
    super();
    const inC = options.inChannels ?? 3;
    const w = options.width ?? 64;
    const blocks = options.blocks ?? [2, 2, 2, 2];
    if (!Number.isInteger(w) || w < 1) throw new RangeError(`ResNet: width must be a positive integer, got ${w}`);
    if (blocks.length < 1 || blocks.some((b) => !Number.isInteger(b) || b < 1)) throw new RangeError(`ResNet: blocks must be positive integers, got ${blocks.join(',')}`);
    const small = (options.stem ?? 'imagenet') === 'small';
    const conv1 = this.registerModule('conv1', new Conv2d(inC, w, small ? 3 : 7, { stride: small ? 1 : 2, padding: small ? 1 : 3, bias: false }));
    const bn1 = this.registerModule('bn1', new BatchNorm2d(w));
    this.stemLayers = new Sequential(conv1, bn1);
    let c = w;
    this.stages = blocks.map((n, s) => {
      const out = w * 2 ** s;
      const stage = new Sequential(...Array.from({ length: n }, (_, i) => new BasicBlock(i === 0 ? c : out, out, i === 0 && s > 0 ? 2 : 1)));
      c = out;
      return this.registerModule(`layer${s + 1}`, stage);
    });
    this.featureSize = c;
    if ((options.numClasses ?? 0) > 0) this.fc = this.registerModule('fc', new Linear(c, options.numClasses!));
  }

  private stem(x: Tensor): Tensor {
    return tidy(() => {
      const h = this.stemLayers.forward(x).relu();
      return (this.options.stem ?? 'imagenet') === 'small' ? h : F.maxPool2d(h, 3, { stride: 2, padding: 1 });
    });
  }

  /** Pooled features [N, featureSize]. */
  forwardFeaturesOnly(x: Tensor): Tensor {
    let h = this.stem(x);
    for (const stage of this.stages) {
      const next = stage.forward(h);
      h.dispose();
      h = next;
    }
    const pooled = tidy(() => h.mean([2, 3]));
    h.dispose();
    return pooled;
  }

  /** Features and (when numClasses > 0) logits in one pass. */
  forwardFeatures(x: Tensor): FeatureResult {
    const features = this.forwardFeaturesOnly(x);
    if (!this.fc) throw new Error('ResNet: built with numClasses 0, so it has no logits; use forwardFeaturesOnly');
    return { features, logits: this.fc.forward(features) };
  }

  forward(x: Tensor): Tensor {
    const f = this.forwardFeaturesOnly(x);
    if (!this.fc) return f;
    const y = this.fc.forward(f);
    f.dispose();
    return y;
  }

  /** Activations after the stem and each stage, keyed 'stem', 'layer1', …, and the pooled 'features'. */
  forwardIntermediates(x: Tensor): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    let h = this.stem(x);
    out.set('stem', h);
    this.stages.forEach((stage, i) => {
      h = stage.forward(h);
      out.set(`layer${i + 1}`, h);
    });
    out.set('features', tidy(() => h.mean([2, 3])));
    return out;
  }
}
