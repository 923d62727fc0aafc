// Model zoo: every model is a Module with forward() and forwardIntermediates()-style access.
export { MiniVgg, type MiniVggOptions, type FeatureResult } from './mini-vgg.js';
export { UNet, type UNetOptions } from './unet.js';
export { UnsupSegNet, type UnsupSegNetOptions } from './unsup-seg-net.js';
export { ResNet, BasicBlock, type ResNetOptions } from './resnet.js';
