// Model zoo: every model is a Module with forward() and forwardIntermediates()-style access.
export { MiniVgg, type MiniVggOptions, type FeatureResult } from './mini-vgg.js';
export { UNet, type UNetOptions } from './unet.js';
export { UnsupSegNet, type UnsupSegNetOptions } from './unsup-seg-net.js';
export { ResNet, BasicBlock, type ResNetOptions } from './resnet.js';
export { CycleGanGenerator, ResnetBlock, UPSAMPLE_MODES, GENERATOR_DOWNSAMPLINGS, normalInit_, type CycleGanGeneratorOptions, type UpsampleMode } from './cyclegan-generator.js';
export { PatchDiscriminator, patchSize, type PatchDiscriminatorOptions } from './patch-discriminator.js';
