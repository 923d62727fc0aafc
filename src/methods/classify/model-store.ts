// A trained classifier on disk: `classifier.json` in the run folder (backbone, classes, how images
// were read and normalised) beside the fit loop's checkpoints; loading rebuilds the network with
// its best (or last) weights and a preprocessing function that prepares a new image exactly as the
// training images were prepared.
import { join } from 'node:path';
import { fileImage, prepareImage, type ImageSetOptions, type ImageTensorLike } from '../../data/index.js';
import { loadWeights } from '../../train/index.js';
import { readRunMeta, writeRunMeta, type RunMetaSpec } from '../../util/run-meta.js';
import { InputError } from '../../util/errors.js';
import { buildBackbone, type BackboneConfig, type ClassifierNet } from './backbones.js';

export const CLASSIFIER_FORMAT = 'kensa-classifier/1';
export const CLASSIFIER_FILE = 'classifier.json';

export interface StoredClassifier {
  format: string;
  net: BackboneConfig;
  classes: string[];
  /** How training images were read (size, plane, slice range, normalisation, channels). */
  image: ImageSetOptions;
  /** Pixel normalisation after augmentation. */
  norm: { mean: number; std: number };
  /** The training root (absolute), for evaluating its held-apart groups later. */
  data?: string;
}

export interface LoadedClassifier {
  meta: StoredClassifier;
  net: ClassifierNet;
  classes: string[];
  inputSize: number;
  channels: number;
  /** Epoch of the loaded weights. */
  epoch: number;
  /**
   * A [C,H,W] image as read by loadImage (or a volume slice), normalised, squared and resized as
   * the training images were, then pixel-normalised: the network's input for one image.
   */
  preprocess(img: ImageTensorLike): ImageTensorLike;
  /** Pixel normalisation only, for images already prepared as an ImageSet. */
  normalizeSet(data: Float32Array): Float32Array;
  dispose(): void;
}

const CLASSIFIER_META: RunMetaSpec = { file: CLASSIFIER_FILE, format: CLASSIFIER_FORMAT, kind: 'classifier', command: 'kensa classify train' };

export async function saveClassifierMeta(runDir: string, meta: Omit<StoredClassifier, 'format'>): Promise<void> {
  await writeRunMeta(runDir, CLASSIFIER_META, meta);
}

export function readClassifierMeta(runDir: string): StoredClassifier {
  return readRunMeta<StoredClassifier>(runDir, CLASSIFIER_META);
}

/** Rebuilds the network of a classifier run with its 'best' (default) or 'last' weights. */
export function loadClassifierRun(runDir: string, which: 'best' | 'last' = 'best'): LoadedClassifier {
  const meta = readClassifierMeta(runDir);
  const net = buildBackbone(meta.net);
  let epoch: number;
  try {
    epoch = loadWeights(join(runDir, 'checkpoints'), { net }, which);
  } catch (e) {
    net.dispose();
    throw e;
  }
  net.eval();
  const size = meta.net.inputSize;
  const { mean, std } = meta.norm;
  const pixel = (d: Float32Array): Float32Array => d.map((v) => (v - mean) / std);
  return {
    meta,
    net,
    classes: meta.classes,
    inputSize: size,
    channels: meta.net.inChannels,
    epoch,
    preprocess(img) {
      if (img.channels !== meta.net.inChannels) throw new InputError('image', `has ${img.channels} channels, the classifier takes ${meta.net.inChannels}`);
      const sized = prepareImage(img, { ...meta.image, size });
      return { ...sized, data: pixel(sized.data) };
    },
    normalizeSet: pixel,
    dispose: () => net.dispose(),
  };
}

/** A 2-D image file prepared for a loaded classifier (read as its training images were). */
export async function classifierInput(model: LoadedClassifier, path: string): Promise<ImageTensorLike> {
  const img = await fileImage(path, { ...model.meta.image, size: model.inputSize });
  return { ...img, data: model.normalizeSet(img.data) };
}
