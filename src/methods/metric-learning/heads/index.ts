export { ClassifierHead, type HeadOptions } from './head.js';
export { SoftmaxHead } from './softmax-head.js';
export { CosineMarginHead, type CosineHeadOptions } from './cosine-head.js';
export { ArcFaceHead, type ArcFaceOptions } from './arcface-head.js';
export { CosFaceHead, type CosFaceOptions } from './cosface-head.js';
export { SubCenterArcFaceHead } from './subcenter-arcface-head.js';
export { HEADS, HEAD_NAMES, headSpec, createHead, type HeadSpec } from './registry.js';
