// Explaining a two-group classifier with an image-to-image translation between the groups (the
// brain-age study's protocol): translate each image into the other group, take original −
// translated as what the translation changed, re-classify the translated image (did it cross the
// boundary?), and compare the classifier's CAMs of the original with |difference|.
import { noGrad, tidy, type Tensor } from '../../engine/index.js';
import { F } from '../../nn/index.js';
import { imageSetBatch, type ImageSet } from '../../data/index.js';
import { computeCam } from '../cam/index.js';
import type { LoadedClassifier } from '../classify/model-store.js';
import { OptionError } from '../../util/errors.js';
import { gaussianSmooth } from '../../data/gaussian.js';
import { meanMap, pearson, signedDifference, topFractionOverlap } from './difference-maps.js';

export type Direction = 'a2b' | 'b2a';

/** A trained translation between domains a and b (e.g. a CycleGAN's two generators). */
export interface Translator {
  domains: { a: string; b: string };
  /** Side of the images it was trained on. */
  size: number;
  /** [N,1,S,S] in [0, 1] → translated [N,1,S,S] in [0, 1]. */
  translate(images: Tensor, direction: Direction): Tensor;
}

export interface ExplainOptions {
  /** CAM methods compared with |difference|. (required) */
  methods: readonly string[];
  /** Classifier layers the CAMs use (averaged). (required) */
  layers: readonly string[];
  /** Fraction of pixels in the top-set overlap. @default 0.1 */
  topFraction?: number;
  /**
   * σ in pixels of a Gaussian applied to |difference| before it is compared with the CAMs: a CAM
   * is upsampled from a coarse feature map, pixel-level |difference| is not, so unsmoothed the two
   * can only agree on scales the CAM cannot show. 0 = compare raw pixels. @default 0
   */
  smooth?: number;
  /** Pixels of the original above this form the head mask over which agreement is measured. @default 0.05 */
  maskThreshold?: number;
  /** Images kept whole (maps) for the figures, per direction. @default 4 */
  samples?: number;
  /** @default 16 */
  batchSize?: number;
  /** @default 'cpu' */
  device?: string;
  /** Called after each batch with the images done so far. */
  onProgress?(done: number, total: number): void;
}

/** One image's outcome. */
export interface ExplainedImage {
  index: number;
  group: string;
  direction: Direction;
  /** Classifier's class index of the image's true group and of the group translated into. */
  trueClass: number;
  targetClass: number;
  predictedBefore: number;
  predictedAfter: number;
  agreement: Record<string, { pearson: number; topOverlap: number }>;
}

/** Maps of one image kept for the figures. */
export interface ExplainSample extends ExplainedImage {
  original: Float32Array;
  translated: Float32Array;
  difference: Float32Array;
  cams: Record<string, Float32Array>;
}

export interface DirectionSummary {
  direction: Direction;
  from: string;
  to: string;
  count: number;
  /** Share of translated images the classifier puts in the target group. */
  flipRate: number;
  /** Share of originals classified right. */
  accuracyBefore: number;
  /** mean(original) − mean(translated): the study's Figure 2. */
  meanDifference: Float32Array;
  meanAbsDifference: Float32Array;
  meanOriginal: Float32Array;
  meanCams: Record<string, Float32Array>;
}

export interface ExplainResult {
  size: number;
  images: ExplainedImage[];
  samples: ExplainSample[];
  directions: DirectionSummary[];
  /** Row-major [C,C] confusion (row = true class) on the originals and on the translated images (row = the group translated into). */
  confusionBefore: number[];
  confusionAfter: number[];
}

function resize(x: Tensor, size: number): Tensor {
  return x.shape[2] === size ? x : F.interpolate(x, { size: [size, size], mode: 'bilinear' });
}

export function explainSet(model: LoadedClassifier, translator: Translator, set: ImageSet, o: ExplainOptions): ExplainResult {
  const { a, b } = translator.domains;
  const ca = model.classes.indexOf(a);
  const cb = model.classes.indexOf(b);
  if (ca < 0 || cb < 0) throw new OptionError('--cyclegan', `translates ${a} ↔ ${b}, but the classifier's classes are ${model.classes.join(', ')}`);
  if (set.channels !== 1) throw new OptionError('--data', `explanation needs one-channel images, got ${set.channels}`);
  const setClass = (i: number): string => set.classes[set.labels[i]];
  const todo = Array.from({ length: set.count }, (_, i) => i).filter((i) => setClass(i) === a || setClass(i) === b);
  if (todo.length === 0) throw new OptionError('--data', `holds no images of ${a} or ${b} (classes ${set.classes.join(', ')})`);
  const C = model.classes.length;
  const S = set.size;
  const P = S * S;
  const bs = o.batchSize ?? 16;
  const frac = o.topFraction ?? 0.1;
  const thr = o.maskThreshold ?? 0.05;
  const sigma = o.smooth ?? 0;
  if (!(sigma >= 0)) throw new OptionError('--smooth', `must be 0 or more, got ${sigma}`);
  const smoothed = (m: Float32Array): Float32Array => (sigma > 0 ? Float32Array.from(gaussianSmooth(Float64Array.from(m), S, S, 1, sigma)) : m);
  const nSamples = o.samples ?? 4;
  const confusionBefore = new Array<number>(C * C).fill(0);
  const confusionAfter = new Array<number>(C * C).fill(0);
  const images: ExplainedImage[] = [];
  const samples: ExplainSample[] = [];
  const acc = new Map<Direction, { orig: Float32Array[]; trans: Float32Array[]; abs: Float32Array[]; cams: Record<string, Float32Array[]> }>();
  const norm = model.meta.norm;
  const device = o.device ?? 'cpu';
  for (let s = 0; s < todo.length; s += bs) {
    const idx = todo.slice(s, s + bs);
    for (const dir of ['a2b', 'b2a'] as const) {
      const sub = idx.filter((i) => setClass(i) === (dir === 'a2b' ? a : b));
      if (sub.length === 0) continue;
      const trueClass = dir === 'a2b' ? ca : cb;
      const targetClass = dir === 'a2b' ? cb : ca;
      const raw = imageSetBatch(set, sub, { device }); // [n,1,S,S] in [0,1]
      const translated = noGrad(() => tidy(() => resize(translator.translate(resize(raw, translator.size), dir), S).clamp(0, 1)));
      const toNet = (x: Tensor): Tensor => x.sub(norm.mean).div(norm.std);
      const [before, after] = noGrad(() => tidy(() => {
        model.net.eval();
        const pb = model.net.forward(toNet(raw)).argmax(1).cpu().data() as BigInt64Array;
        const pa = model.net.forward(toNet(translated)).argmax(1).cpu().data() as BigInt64Array;
        return [Array.from(pb, Number), Array.from(pa, Number)];
      }));
      const cams: Record<string, Float32Array> = {};
      const input = toNet(raw);
      for (const m of o.methods) {
        const r = computeCam(model.net, input, { method: m, layers: o.layers, target: sub.map(() => trueClass) });
        cams[m] = r.maps.cpu().data() as Float32Array;
        r.maps.dispose();
        r.output.dispose();
      }
      input.dispose();
      const rawData = raw.cpu().data() as Float32Array;
      const transData = translated.cpu().data() as Float32Array;
      raw.dispose();
      translated.dispose();
      const bucket = acc.get(dir) ?? { orig: [], trans: [], abs: [], cams: Object.fromEntries(o.methods.map((m) => [m, [] as Float32Array[]])) };
      acc.set(dir, bucket);
      sub.forEach((i, k) => {
        const orig = rawData.slice(k * P, (k + 1) * P);
        const trans = transData.slice(k * P, (k + 1) * P);
        const diff = signedDifference(orig, trans);
        const abs = diff.map(Math.abs);
        const mask = orig.map((v) => (v > thr ? 1 : 0));
        const absForCam = smoothed(abs);
        const agreement: ExplainedImage['agreement'] = {};
        const imageCams: Record<string, Float32Array> = {};
        for (const m of o.methods) {
          const cam = cams[m].slice(k * P, (k + 1) * P);
          imageCams[m] = cam;
          agreement[m] = { pearson: pearson(cam, absForCam, mask), topOverlap: topFractionOverlap(cam, absForCam, frac, mask) };
          bucket.cams[m].push(cam);
        }
        bucket.orig.push(orig);
        bucket.trans.push(trans);
        bucket.abs.push(abs);
        confusionBefore[trueClass * C + before[k]]++;
        confusionAfter[targetClass * C + after[k]]++;
        const rec: ExplainedImage = { index: i, group: set.groups[i], direction: dir, trueClass, targetClass, predictedBefore: before[k], predictedAfter: after[k], agreement };
        images.push(rec);
        if (samples.filter((x) => x.direction === dir).length < nSamples) samples.push({ ...rec, original: orig, translated: trans, difference: diff, cams: imageCams });
      });
    }
    o.onProgress?.(Math.min(s + bs, todo.length), todo.length);
  }
  const directions: DirectionSummary[] = (['a2b', 'b2a'] as const).filter((d) => acc.has(d)).map((d) => {
    const bk = acc.get(d)!;
    const mine = images.filter((im) => im.direction === d);
    const mo = meanMap(bk.orig);
    const mt = meanMap(bk.trans);
    return {
      direction: d,
      from: d === 'a2b' ? a : b,
      to: d === 'a2b' ? b : a,
      count: mine.length,
      flipRate: mine.filter((im) => im.predictedAfter === im.targetClass).length / mine.length,
      accuracyBefore: mine.filter((im) => im.predictedBefore === im.trueClass).length / mine.length,
      meanDifference: signedDifference(mo, mt),
      meanAbsDifference: meanMap(bk.abs),
      meanOriginal: mo,
      meanCams: Object.fromEntries(o.methods.map((m) => [m, meanMap(bk.cams[m])])),
    };
  });
  return { size: S, images, samples, directions, confusionBefore, confusionAfter };
}

/** Mean over images of each method's agreement numbers (NaNs left out). */
export function meanAgreement(images: readonly ExplainedImage[], methods: readonly string[]): Record<string, { pearson: number; topOverlap: number; n: number }> {
  const mean = (v: number[]): number => {
    const f = v.filter(Number.isFinite);
    return f.length ? f.reduce((x, y) => x + y, 0) / f.length : NaN;
  };
  return Object.fromEntries(methods.map((m) => [m, { pearson: mean(images.map((im) => im.agreement[m].pearson)), topOverlap: mean(images.map((im) => im.agreement[m].topOverlap)), n: images.length }]));
}

/** A stand-in translator for tests and controls: the identity (nothing changes) or a fixed map. */
export function functionTranslator(domains: { a: string; b: string }, size: number, f: (x: Tensor, d: Direction) => Tensor): Translator {
  return { domains, size, translate: (x, d) => f(x, d) };
}

