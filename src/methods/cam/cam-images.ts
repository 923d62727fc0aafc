// CAMs of image files under a trained classifier: preprocess each image as the classifier expects,
// predict, make one map per method, and optionally score the maps' faithfulness. What `kensa cam`
// runs; it writes the overlays.
import { tensor } from '../../engine/creation.js';
import { noGrad, type Tensor } from '../../engine/tensor.js';
import { tidy } from '../../engine/scope.js';
import { loadImage } from '../../data/image-load.js';
import type { ImageTensorLike } from '../../data/types.js';
import { softmax } from '../../nn/functional.js';
import { InputError, OptionError } from '../../util/errors.js';
import { computeCam } from './cam.js';
import { deletionInsertion, type FaithfulnessOptions } from './faithfulness.js';
import { road, type RoadOptions } from './road.js';
import type { CamMethod, CamNet } from './types.js';

/** The part of a loaded classifier CAM needs. */
export interface CamClassifier {
  net: CamNet;
  classes: string[];
  /** Channels the network takes (1: images are read as grey). */
  channels: number;
  /** Resize and normalise a [C,H,W] image to the network's input. */
  preprocess(img: ImageTensorLike): ImageTensorLike;
}

export interface CamImagesOptions {
  /** Methods to run, each giving one map per image. (required) */
  methods: readonly CamMethod[];
  /** Layers (module paths) whose maps are averaged. (required) */
  layers: readonly string[];
  /** Class to explain, by index; undefined = the predicted class of each image. @default predicted */
  target?: number;
  /** Deletion / insertion AUC per method. @default false */
  faithfulness?: boolean;
  /** ROAD MoRF / LeRF per method (slower: a linear solve per step). @default false */
  road?: boolean;
  /** Options of the deletion / insertion curves. @default their defaults */
  faithfulnessOptions?: FaithfulnessOptions;
  /** Options of ROAD. @default its defaults */
  roadOptions?: RoadOptions;
  /** Largest batch of extra forward passes. @default 32 */
  batchSize?: number;
  /** Device of the network. @default 'cpu' */
  device?: string;
}

export interface CamMethodScores {
  /** Area under the deletion curve (lower = more faithful); with faithfulness. */
  deletionAuc?: number;
  /** Area under the insertion curve (higher = more faithful); with faithfulness. */
  insertionAuc?: number;
  /** ROAD means and gap (higher gap = more faithful); with road. */
  road?: { morf: number; lerf: number; gap: number };
}

export interface CamImageResult {
  path: string;
  /** Slice index when the file is a volume. */
  slice?: number;
  predicted: { index: number; name: string; probability: number };
  /** The class the maps explain. */
  target: { index: number; name: string; probability: number };
  /** Per method name. */
  methods: Record<string, CamMethodScores>;
}

export interface CamImageOutput {
  result: CamImageResult;
  /** The network's input for this image (after preprocess), [C,H,W]. */
  input: ImageTensorLike;
  /** Per method name, the map [H·W] in [0, 1] at the input's size. */
  maps: Map<string, Float32Array>;
}

/** Resolves a --target value: '' = predicted, a class name, or a class index. */
export function resolveTargetClass(value: string, classes: readonly string[]): number | undefined {
  if (value === '') return undefined;
  const byName = classes.indexOf(value);
  if (byName >= 0) return byName;
  const n = Number(value);
  if (Number.isInteger(n) && n >= 0 && n < classes.length && /^\d+$/.test(value)) return n;
  throw new OptionError('--target', `'${value}' is neither a class (${classes.join(', ')}) nor an index 0..${classes.length - 1}`);
}

/** One network input to explain: already prepared as the classifier's input. */
export interface CamInput {
  /** File it came from. */
  path: string;
  /** Slice index when the file is a volume. */
  slice?: number;
  /** The network input [C,H,W] (resized and normalised as the classifier expects). */
  input: ImageTensorLike;
}

/** Each image file read and preprocessed for `model` (grey images copied into every channel of a colour network). */
export async function* imageFileInputs(model: CamClassifier, paths: readonly string[]): AsyncGenerator<CamInput> {
  for (const path of paths) {
    let img = await loadImage(path, { channels: model.channels === 1 ? 'grey' : 'keep' });
    if (img.channels === 1 && model.channels > 1) {
      const data = new Float32Array(model.channels * img.data.length);
      for (let c = 0; c < model.channels; c++) data.set(img.data, c * img.data.length);
      img = { ...img, channels: model.channels, data };
    }
    if (img.channels !== model.channels) throw new InputError(path, `has ${img.channels} channels, the classifier takes ${model.channels}`);
    yield { path, input: model.preprocess(img) };
  }
}

/** Runs every method on each image file; `onImage` is awaited per image (e.g. to write overlays). */
export async function camImages(model: CamClassifier, paths: readonly string[], options: CamImagesOptions, onImage?: (out: CamImageOutput) => Promise<void>): Promise<CamImageResult[]> {
  return camInputs(model, imageFileInputs(model, paths), options, onImage);
}

/** Runs every method on each prepared input; `onImage` is awaited per input. */
export async function camInputs<T extends CamInput>(model: Pick<CamClassifier, 'net' | 'classes'>, inputs: Iterable<T> | AsyncIterable<T>, options: CamImagesOptions, onImage?: (out: CamImageOutput & { item: T }) => Promise<void>): Promise<CamImageResult[]> {
  if (options.methods.length === 0) throw new OptionError('--method', 'give at least one method');
  const device = options.device ?? 'cpu';
  const results: CamImageResult[] = [];
  for await (const item of inputs) {
    const { path, input } = item;
    const x = tensor(input.data, { shape: [1, input.channels, input.height, input.width], device });
    try {
      const probs = tidy(() => Array.from(noGrad(() => softmax(model.net.forward(x), 1)).data() as Float32Array));
      const pi = probs.indexOf(Math.max(...probs));
      const ti = options.target ?? pi;
      if (ti >= probs.length) throw new OptionError('--target', `class ${ti} does not exist: the network has ${probs.length} outputs`);
      const result: CamImageResult = {
        path,
        ...(item.slice !== undefined ? { slice: item.slice } : {}),
        predicted: { index: pi, name: model.classes[pi] ?? String(pi), probability: probs[pi] },
        target: { index: ti, name: model.classes[ti] ?? String(ti), probability: probs[ti] },
        methods: {},
      };
      const maps = new Map<string, Float32Array>();
      for (const method of options.methods) {
        const { maps: m, output } = computeCam(model.net, x, { method, layers: options.layers, target: [ti], batchSize: options.batchSize });
        try {
          maps.set(method.name, tidy(() => m.cpu().data() as Float32Array));
          result.methods[method.name] = scores(model.net, x, m, ti, options);
        } finally {
          m.dispose();
          output.dispose();
        }
      }
      results.push(result);
      await onImage?.({ result, input, maps, item });
    } finally {
      x.dispose();
    }
  }
  return results;
}

function scores(net: CamNet, x: Tensor, maps: Tensor, cls: number, options: CamImagesOptions): CamMethodScores {
  const s: CamMethodScores = {};
  if (options.faithfulness) {
    const [c] = deletionInsertion(net, x, maps, [cls], { batchSize: options.batchSize, ...options.faithfulnessOptions });
    s.deletionAuc = c.deletionAuc;
    s.insertionAuc = c.insertionAuc;
  }
  if (options.road) {
    const [r] = road(net, x, maps, [cls], { batchSize: options.batchSize, ...options.roadOptions });
    s.road = { morf: r.morfMean, lerf: r.lerfMean, gap: r.gap };
  }
  return s;
}

/** Per method, the mean of each score over images (only the scores that were computed). */
export function meanScores(results: readonly CamImageResult[]): Record<string, CamMethodScores> {
  const out: Record<string, CamMethodScores> = {};
  const names = [...new Set(results.flatMap((r) => Object.keys(r.methods)))];
  for (const name of names) {
    const rows = results.map((r) => r.methods[name]).filter((m): m is CamMethodScores => m !== undefined);
    const mean = (f: (m: CamMethodScores) => number | undefined): number | undefined => {
      const v = rows.map(f).filter((x): x is number => x !== undefined);
      return v.length > 0 ? v.reduce((a, b) => a + b, 0) / v.length : undefined;
    };
    const m: CamMethodScores = {};
    const d = mean((r) => r.deletionAuc);
    const i = mean((r) => r.insertionAuc);
    if (d !== undefined) m.deletionAuc = d;
    if (i !== undefined) m.insertionAuc = i;
    const morf = mean((r) => r.road?.morf);
    if (morf !== undefined) m.road = { morf, lerf: mean((r) => r.road?.lerf)!, gap: mean((r) => r.road?.gap)! };
    out[name] = m;
  }
  return out;
}
