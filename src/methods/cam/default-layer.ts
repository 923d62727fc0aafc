// The layer CAM explains when none is named: the output of the last convolutional block.
import { MiniVgg } from '../../models/mini-vgg.js';
import { ResNet } from '../../models/resnet.js';
import { Conv2d } from '../../nn/conv.js';
import { ReLU } from '../../nn/activation.js';
import type { Module } from '../../nn/module.js';
import { OptionError } from '../../util/errors.js';

/**
 * MiniVgg: the last ReLU of `features` (the last conv block's output before its pooling, twice the
 * resolution of the pooled map); ResNet: the last basic block of the last stage ('layer4.1' for
 * ResNet-18); any other network: its last Conv2d in registration order.
 */
export function defaultCamLayer(net: Module): string {
  if (net instanceof MiniVgg) {
    const names = net.features.namedChildren().filter(([, m]) => m instanceof ReLU).map(([n]) => n);
    if (names.length > 0) return `features.${names[names.length - 1]}`;
  }
  if (net instanceof ResNet) {
    const s = net.stages.length;
    return `layer${s}.${net.stages[s - 1].length - 1}`;
  }
  const convs = net.namedModules().filter(([, m]) => m instanceof Conv2d).map(([n]) => n);
  if (convs.length === 0) throw new OptionError('layer', `${net.constructor.name} has no Conv2d layer; name one with --layer`);
  return convs[convs.length - 1];
}
