// Every classification head, registered once: CLI choices, docs and contract tests iterate this.
import type { ClassifierHead, HeadOptions } from './head.js';
import { SoftmaxHead } from './softmax-head.js';
import { ArcFaceHead } from './arcface-head.js';
import { CosFaceHead } from './cosface-head.js';
import { SubCenterArcFaceHead } from './subcenter-arcface-head.js';

export interface HeadSpec {
  name: string;
  summary: string;
  /** Whether the head is a metric (cosine-margin) head rather than the softmax baseline. */
  metric: boolean;
  create(o: HeadOptions & { scale?: number; margin?: number }): ClassifierHead;
}

export const HEADS: readonly HeadSpec[] = [
  { name: 'softmax', summary: 'linear classifier with cross-entropy (baseline)', metric: false, create: (o) => new SoftmaxHead(o) },
  { name: 'arcface', summary: 'additive angular margin m = 0.5, s = 64', metric: true, create: (o) => new ArcFaceHead(o) },
  { name: 'cosface', summary: 'additive cosine margin m = 0.35, s = 64', metric: true, create: (o) => new CosFaceHead(o) },
  { name: 'subcenter-arcface', summary: 'ArcFace with 3 sub-centres per class', metric: true, create: (o) => new SubCenterArcFaceHead(o) },
];

export const HEAD_NAMES: readonly string[] = HEADS.map((h) => h.name);

export function headSpec(name: string): HeadSpec {
  const h = HEADS.find((x) => x.name === name);
  if (!h) throw new RangeError(`unknown head '${name}' (one of ${HEAD_NAMES.join(', ')})`);
  return h;
}

export function createHead(name: string, o: HeadOptions & { scale?: number; margin?: number }): ClassifierHead {
  return headSpec(name).create(o);
}
