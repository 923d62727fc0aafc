// CycleGAN (Zhu et al., ICCV 2017, arXiv 1703.10593): unpaired image-to-image translation between
// two domains, trained by the shared fit loop; translation of new images and run loading.
export { GAN_MODES, ganLoss, generatorPass, discriminatorLoss, type CycleGanNets, type CycleGanLossWeights, type GanMode, type GeneratorTerms, type GeneratorPass } from './losses.js';
export { ImagePool, type ImagePoolState } from './image-pool.js';
export { TO_TANH, buildCycleGan, cycleErrors, cycleGanTask, disposeNets, type CycleGanMetrics, type CycleGanNetConfig, type CycleGanTask, type CycleGanTrainOptions } from './trainer.js';
export { DIRECTIONS, sampleGrid, translateImages, type Direction } from './translate.js';
export { loadDomains, splitDomains, type DomainSource, type DomainSplit, type Domains, type GroupSplit } from './domains.js';
export { CYCLEGAN_FILE, CYCLEGAN_FORMAT, SPLIT_FILE, loadCycleGanRun, readCycleGanMeta, readSplit, saveCycleGanRun, type LoadCycleGanOptions, type LoadedCycleGan, type StoredCycleGan } from './run-store.js';
