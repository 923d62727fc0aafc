// The classifier backbones `kensa classify` offers, in one registry: each builds a network that
// maps [N,C,S,S] images to [N,classes] logits.
import type { Tensor } from '../../engine/index.js';
import type { Module } from '../../nn/index.js';
import { MiniVgg, ResNet } from '../../models/index.js';
import { OptionError } from '../../util/errors.js';

/** A network with logits as its output. */
export type ClassifierNet = Module & { forward(x: Tensor): Tensor };

/** What a backbone is built from; stored with the model so it can be rebuilt. */
export interface BackboneConfig {
  backbone: string;
  inChannels: number;
  inputSize: number;
  numClasses: number;
  /** Base width (mini-VGG: first block's channels, doubled per block; ResNet: first stage). @default per backbone */
  width?: number;
  /** Batch norm after each convolution (mini-VGG; ResNet always has it). @default true */
  batchNorm?: boolean;
  /** Dropout before the classifier (mini-VGG). @default 0.3 */
  dropout?: number;
}

export interface BackboneSpec {
  name: string;
  description: string;
  build(c: BackboneConfig): ClassifierNet;
}

function vggBlocks(size: number): number {
  // pool down to about 4–8 px: 32 px → 3 blocks, 64 → 4, 128 and more → 5
  return Math.max(2, Math.min(5, Math.round(Math.log2(size / 4))));
}

export const BACKBONES: readonly BackboneSpec[] = [
  {
    name: 'minivgg',
    description: 'VGG-style: blocks of two 3×3 conv (+BN) + ReLU and 2×2 max pool, widths doubling, a 256-wide dense layer',
    build: (c) => {
      const w = c.width ?? 16;
      const n = vggBlocks(c.inputSize);
      return new MiniVgg({ inChannels: c.inChannels, inputSize: c.inputSize, widths: Array.from({ length: n }, (_, i) => Math.min(w * 2 ** i, 256)), denseWidth: 256, numClasses: c.numClasses, batchNorm: c.batchNorm ?? true, dropout: c.dropout ?? 0.3 });
    },
  },
  {
    name: 'resnet18',
    description: 'ResNet-18 (torchvision layout, 7×7 stem), global average pooling, linear classifier',
    build: (c) => new ResNet({ inChannels: c.inChannels, width: c.width ?? 64, numClasses: c.numClasses, stem: c.inputSize <= 64 ? 'small' : 'imagenet' }),
  },
];

export const BACKBONE_NAMES: readonly string[] = BACKBONES.map((b) => b.name);

export function backboneSpec(name: string): BackboneSpec {
  const b = BACKBONES.find((s) => s.name === name);
  if (!b) throw new OptionError('--backbone', `unknown backbone '${name}' (one of ${BACKBONE_NAMES.join(', ')})`);
  return b;
}

export function buildBackbone(c: BackboneConfig): ClassifierNet {
  return backboneSpec(c.backbone).build(c);
}
