// kensa segment: unsupervised segmentation of an image or a folder of images (or video frames) by
// differentiable feature clustering (Kim, Kanezaki & Tanaka, IEEE TIP 2020, arXiv 2007.09990), with
// optional scribbles, reference-mode training (--reference) and application (--weights), or one of
// the classical baselines (--method) through the same outputs.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { basename, extname, join, resolve } from 'node:path';
import { defineCommand } from '../command.js';
import { lineCurves } from '../../report/figures/line-curves.js';
import type { CurveSeries } from '../../report/figures/line-curves.js';
import { OptionError } from '../../util/errors.js';
import { GALLERY_LIMIT, writePreview, type ReportSummary } from '../../report/summary.js';
import { segmentationBaseline, segmentationBaselines } from '../../methods/unsupervised-seg/baselines/registry.js';
import { SHARD_SPEC, parseShard, shardFiles } from '../../distributed/shard.js';
import {
  FEATURE_CLUSTERING_DEFAULTS,
  REFERENCE_DEFAULTS,
  applyReference,
  checkScribbleFile,
  imagesOf,
  loadReferenceNet,
  readResized,
  readScribble,
  readSegmentationInput,
  saveReferenceNet,
  trainReference,
  type IterationStats,
  type ScribbleMask,
} from '../../methods/unsupervised-seg/index.js';
import { finishedImage, segmentImage, type ImageJob, type ImageOutcome, type SegmentImageSettings, type SegmentOutputDirs } from '../../methods/unsupervised-seg/segment-image.js';
import { segmentInWorkers } from '../../methods/unsupervised-seg/segment-workers.js';
import type { Progress } from '../progress.js';

import { listCheckpoints } from '../../train/checkpoint-files.js';

const METHOD = 'feature-clustering';

export interface SegmentOptions {
  /** R/N: only part R of N of the inputs. @default all */ shard?: string;
  /** 'feature-clustering' or a baseline name. @default 'feature-clustering' */ method: string;
  /** Response channels q. @default 100 */ channels: number;
  /** 3×3 conv blocks. @default 2 */ nConv: number;
  /** @default 1000 */ maxIterations: number;
  /** @default 3 */ minLabels: number;
  /** @default 0.1 */ lr: number;
  /** @default 0.9 */ momentum: number;
  /** @default 1 */ muSim: number;
  /** μ_con. @default 1, or 5 with --reference/--weights */ muCon?: number;
  /** @default 0.5 */ muScribble: number;
  /** Scribble mask PNG for a single IMAGE. @default none */ scribble?: string;
  /** Folder of reference images to train one network on. @default none */ reference?: string;
  /** Weights of a reference-mode network to apply. @default none */ weights?: string;
  /** SGD updates per reference image. @default 1000 */ updatesPerImage: number;
  /** Side of the resized reference images. @default 224 */ referenceSize: number;
  /** Only the first N images of a folder (name order). @default all */ limit?: number;
  /** Write live/<image>.rgba, the current labels over the image, every N iterations (0: never). @default 0 */ liveEvery: number;
  /** Skip images already done in --out (label PNG and images/<name>.json present, valid and made with the same settings); reuse a finished --reference training there. @default false */ resume: boolean;
  /** Images segmented at once, each in its own worker thread with --threads libtorch threads (so N x --threads in all); 1 = one at a time in this thread. Labels equal those of --workers 1 at the same seed and --threads. @default 1 */ workers: number;
}

export const segmentCommand = defineCommand<SegmentOptions>({
  name: 'segment',
  summary: 'unsupervised segmentation by differentiable feature clustering (Kim et al. 2020), or a baseline',
  positionals: [{ name: 'IMAGE|DIR', description: 'an image, or a folder of images / video frames' }],
  writesRun: true,
  options: {
    method: { kind: 'string', description: 'segmentation method', default: METHOD, choices: [METHOD, ...segmentationBaselines.map((b) => b.name)] },
    channels: { kind: 'integer', description: 'response channels q (most labels)', default: FEATURE_CLUSTERING_DEFAULTS.channels, min: 2, max: 255 },
    nConv: { kind: 'integer', description: '3x3 conv blocks', default: FEATURE_CLUSTERING_DEFAULTS.nConv, min: 1 },
    maxIterations: { kind: 'integer', description: 'most iterations per image', default: FEATURE_CLUSTERING_DEFAULTS.maxIterations, min: 1 },
    minLabels: { kind: 'integer', description: 'stop when at most this many labels remain', default: FEATURE_CLUSTERING_DEFAULTS.minLabels, min: 1 },
    lr: { kind: 'number', description: 'SGD learning rate', default: FEATURE_CLUSTERING_DEFAULTS.lr, min: 0 },
    momentum: { kind: 'number', description: 'SGD momentum', default: FEATURE_CLUSTERING_DEFAULTS.momentum, min: 0, max: 1 },
    muSim: { kind: 'number', description: 'weight of the similarity loss', default: FEATURE_CLUSTERING_DEFAULTS.muSim, min: 0 },
    muCon: { kind: 'number', description: 'weight of the continuity loss (default 1, or 5 in reference mode)', min: 0 },
    muScribble: { kind: 'number', description: 'weight of the scribble loss', default: FEATURE_CLUSTERING_DEFAULTS.muScribble, min: 0 },
    scribble: { kind: 'string', description: 'scribble mask (255 = unlabelled, else class index) for a single IMAGE', placeholder: 'MASK' },
    reference: { kind: 'string', description: 'train one network on this folder of reference images, then apply it', placeholder: 'DIR' },
    weights: { kind: 'string', description: 'apply a reference-mode network saved by --reference', placeholder: 'FILE' },
    updatesPerImage: { kind: 'integer', description: 'SGD updates per reference image', default: REFERENCE_DEFAULTS.updatesPerImage, min: 1 },
    referenceSize: { kind: 'integer', description: 'reference images are resized to this square size', default: 224, min: 8 },
    limit: { kind: 'integer', description: 'only the first N images of a folder (name order)', min: 1 },
    liveEvery: { kind: 'integer', description: 'write live/<image>.rgba (the current labels over the image) every N iterations, for kensa serve; 0 = never', default: 0, min: 0 },
    resume: { kind: 'boolean', description: 'skip images already done in --out (label PNG + images/<name>.json valid, same settings); reuse a finished --reference training there', default: false },
    workers: { kind: 'integer', description: 'images segmented at once, each in a worker thread with --threads libtorch threads of its own (N x --threads in all); same labels as one at a time', default: 1, min: 1 },
    shard: SHARD_SPEC,
  },
  async run(o, args, ctx) {
    const started = Date.now();
    if (o.out === undefined) throw new OptionError('--out', 'is required (label PNGs, overlays and the report go there)');
    const baseline = o.method === METHOD ? undefined : segmentationBaseline(o.method);
    if (baseline && (o.scribble || o.reference || o.weights)) throw new OptionError('--method', `${o.method} takes no --scribble, --reference or --weights`);
    if (o.scribble && (o.reference || o.weights)) throw new OptionError('--scribble', 'applies to per-image training, not to --reference/--weights');
    if (o.reference && o.weights) throw new OptionError('--weights', 'give either --reference (train) or --weights (apply), not both');
    let images = imagesOf(args[0]);
    if (o.limit !== undefined) images = images.slice(0, o.limit);
    images = shardFiles(images, parseShard(o.shard));
    if (images.length === 0) throw new OptionError('--shard', `part ${o.shard} of ${args[0]} holds no image`);
    if (o.scribble && images.length !== 1) throw new OptionError('--scribble', 'needs a single IMAGE, not a folder');
    // check every input before writing anything
    let scribble: ScribbleMask | undefined;
    if (o.scribble) {
      if (!existsSync(o.scribble)) throw new OptionError('--scribble', `${o.scribble}: no such file`);
      scribble = await readScribble(o.scribble);
      const first = await readSegmentationInput(images[0]);
      checkScribbleFile(o.scribble, scribble, { width: first.width, height: first.height, channels: o.channels });
    }
    // every image read once before any work: a garbled or truncated file fails the run at once, naming it
    if (images.length > 1) for (const f of images) await readSegmentationInput(f);
    const referenceMode = o.reference !== undefined || o.weights !== undefined;
    const muCon = o.muCon ?? (referenceMode ? REFERENCE_DEFAULTS.muCon : FEATURE_CLUSTERING_DEFAULTS.muCon);
    const refImages = o.reference ? imagesOf(o.reference) : [];
    let net = o.weights ? loadReferenceNet(o.weights, o.device) : undefined;

    const run = ctx.run()!;
    const labelDir = run.path('labels');
    const overlayDir = run.path('overlays');
    mkdirSync(labelDir, { recursive: true });
    mkdirSync(overlayDir, { recursive: true });
    const lossSeries: CurveSeries[] = [];
    const countSeries: CurveSeries[] = [];
    let reference: { images: number; updates: number; ms: number; weights: string } | undefined;

    // --resume after a kill: a finished reference training (weights + sidecar, both written atomically) is reused, not redone
    const refWeights = run.path('checkpoints', 'reference.safetensors');
    const refSidecar = run.path('checkpoints', 'reference.json');
    const refKey = { images: refImages.map((f) => resolve(f)), channels: o.channels, nConv: o.nConv, updatesPerImage: o.updatesPerImage, referenceSize: o.referenceSize, lr: o.lr, momentum: o.momentum, muSim: o.muSim, muCon, seed: o.seed };
    const finishedRef = o.reference && o.resume && existsSync(refWeights) && existsSync(refSidecar) ? readReferenceSidecar(refSidecar, refKey) : undefined;
    if (finishedRef) {
      ctx.log(`segment: --resume reuses the finished reference training in ${refWeights}`);
      net = loadReferenceNet(refWeights, o.device);
      reference = { images: refImages.length, updates: finishedRef.lossHistory.length, ms: finishedRef.ms, weights: refWeights };
      lossSeries.push(curve('reference training', finishedRef.lossHistory));
      countSeries.push(curve('reference training', finishedRef.labelCountHistory));
    } else if (o.reference) {
      ctx.log(`segment: training on ${refImages.length} reference image(s) from ${o.reference}, ${o.updatesPerImage} updates each at ${o.referenceSize}x${o.referenceSize}`);
      const planes = [];
      for (const f of refImages) planes.push((await readResized(f, o.referenceSize, o.referenceSize)).planes);
      const bar = ctx.progress({ label: 'reference training', total: refImages.length * o.updatesPerImage, unit: 'updates' });
      // a checkpoint after each reference image (checkpoints/reference-training/); --resume continues after the last
      const refTraining = join(run.checkpointDir(), 'reference-training');
      const trained = await trainReference(planes, {
        channels: o.channels, nConv: o.nConv, updatesPerImage: o.updatesPerImage, lr: o.lr, momentum: o.momentum, muSim: o.muSim, muCon, seed: o.seed, device: o.device,
        onUpdate: (s) => bar.tick(1, `loss ${s.loss.toFixed(3)}, ${s.labels} labels`),
      }, { checkpointDir: refTraining, resume: o.resume && listCheckpoints(refTraining).length > 0, reporter: { log: (m) => run.log(m), progress: () => ({ tick: () => undefined, done: () => undefined }) } });
      bar.done(`${trained.lossHistory.length} updates in ${(trained.ms / 1000).toFixed(1)} s`);
      net = trained.net;
      const weights = join(run.checkpointDir(), 'reference.safetensors');
      saveReferenceNet(net, weights);
      await run.writeJson(join('checkpoints', 'reference.json'), { key: refKey, lossHistory: trained.lossHistory, labelCountHistory: trained.labelCountHistory, ms: trained.ms });
      reference = { images: refImages.length, updates: trained.lossHistory.length, ms: trained.ms, weights };
      lossSeries.push(curve('reference training', trained.lossHistory));
      countSeries.push(curve('reference training', trained.labelCountHistory));
    }

    const names = uniqueNames(images);
    const jobs: ImageJob[] = images.map((image, index) => ({ image, name: names[index], index }));
    const dirs: SegmentOutputDirs = { labels: labelDir, overlays: overlayDir, previews: run.path('previews'), live: run.path('live'), records: run.path('images') };
    mkdirSync(dirs.records, { recursive: true });
    const settings: SegmentImageSettings = {
      method: baseline ? o.method : net ? 'reference-apply' : METHOD,
      channels: o.channels, nConv: o.nConv, maxIterations: o.maxIterations, minLabels: o.minLabels, lr: o.lr, momentum: o.momentum,
      muSim: o.muSim, muCon, muScribble: o.muScribble, seed: o.seed,
      ...(net ? { weights: resolve(reference?.weights ?? o.weights!) } : {}),
      ...(o.scribble ? { scribble: resolve(o.scribble) } : {}),
    };
    const outcomes: (ImageOutcome & { skipped?: boolean })[] = new Array(jobs.length);
    const pending: ImageJob[] = [];
    for (const job of jobs) {
      const done = o.resume ? await finishedImage(job, settings, dirs) : undefined;
      if (done) outcomes[job.index] = { ...done, skipped: true };
      else pending.push(job);
    }
    if (pending.length < jobs.length) ctx.log(`segment: --resume skips ${jobs.length - pending.length} image(s) already done in ${labelDir}`);
    const bars = new Map<number, Progress>();
    const label = (job: ImageJob): string => `${basename(job.image)} (${job.index + 1}/${jobs.length})`;
    const onStart = (job: ImageJob): void => {
      if (settings.method === METHOD) bars.set(job.index, ctx.progress({ label: label(job), total: o.maxIterations, unit: 'iterations' }));
    };
    const onIteration = (job: ImageJob, st: IterationStats): void => bars.get(job.index)?.tick(1, `loss ${st.loss.toFixed(3)}, ${st.labels} labels`);
    const onDone = (job: ImageJob, r: ImageOutcome): void => {
      outcomes[job.index] = r;
      bars.get(job.index)?.done(`${r.iterations} iterations, ${r.labels} labels, ${(r.ms / 1000).toFixed(1)} s`);
      bars.delete(job.index);
      run.log(`${job.image}: ${r.labels} labels, ${r.iterations} iterations, ${r.ms} ms`);
    };
    const workers = Math.min(o.workers, pending.length);
    if (workers > 1) {
      const cores = cpus().length;
      if (workers * o.threads > cores) ctx.log(`segment: ${workers} workers x ${o.threads} libtorch threads on ${cores} cores; --threads ${Math.max(1, Math.floor(cores / workers))} suits`);
      await segmentInWorkers(pending, settings, dirs, { workers, threads: o.threads, device: o.device, liveEvery: o.liveEvery, previewLimit: GALLERY_LIMIT, onStart, onIteration, onDone });
    } else {
      for (const job of pending) {
        onStart(job);
        onDone(job, await segmentImage(job, settings, dirs, {
          device: o.device, liveEvery: o.liveEvery, previewLimit: GALLERY_LIMIT, net, scribble, onIteration: (st) => onIteration(job, st),
        }));
      }
    }
    for (const r of outcomes) {
      if (r.lossHistory && r.labelCountHistory && lossSeries.length < 12) {
        lossSeries.push(curve(r.name, r.lossHistory));
        countSeries.push(curve(r.name, r.labelCountHistory));
      }
    }
    const perImage = outcomes.map((r) => ({
      image: r.image, iterations: r.iterations, labels: r.labels, ms: r.ms,
      ...(r.stoppedEarly !== undefined ? { stoppedEarly: r.stoppedEarly } : {}), ...(r.finalLoss !== undefined ? { finalLoss: r.finalLoss } : {}), ...(r.skipped ? { skipped: true } : {}),
    }));
    if (lossSeries.length > 0) {
      await run.figures.add(lineCurves, 'loss', { series: lossSeries }, { xTitle: 'iteration', yTitle: 'loss' }, 'Loss per iteration (similarity + continuity [+ scribble])');
      await run.figures.add(lineCurves, 'label-count', { series: countSeries }, { xTitle: 'iteration', yTitle: 'distinct labels', logY: true }, 'Distinct argmax labels per iteration');
    }
    net?.dispose();
    const done = perImage.filter((p) => !p.skipped);
    const result = {
      method: o.method,
      mode: o.reference ? 'reference-train' : o.weights ? 'reference-apply' : baseline ? 'baseline' : scribble ? 'scribble' : 'per-image',
      images: perImage,
      reference,
      labelDir: resolve(labelDir),
      meanMsPerIteration: meanMsPerIteration(done),
      ms: Date.now() - started,
    };
    const text = `segment: ${done.length} image(s) with ${o.method}${result.mode === 'per-image' || result.mode === 'baseline' ? '' : ` (${result.mode})`}, mean ${mean(done.map((p) => p.labels)).toFixed(1)} labels, labels in ${labelDir}`;
    const shown = perImage.map((p, i) => ({ p, name: names[i] })).filter(({ p }, i) => !p.skipped && i < GALLERY_LIMIT);
    const summary: ReportSummary = {
      verdict: `${done.length} image${done.length === 1 ? '' : 's'} segmented by ${result.mode === 'baseline' ? `the ${o.method} baseline` : result.mode === 'reference-apply' ? 'a reference-trained network' : 'differentiable feature clustering'}${result.mode === 'scribble' ? ' with scribbles' : ''}, ${mean(done.map((p) => p.labels)).toFixed(1)} labels on average.`,
      facts: [
        { label: 'Images', value: done.length, note: perImage.length > done.length ? `${perImage.length - done.length} already done (--resume)` : undefined },
        { label: 'Mean labels', value: Number(mean(done.map((p) => p.labels)).toFixed(2)) },
        { label: 'Time per image', value: `${(mean(done.map((p) => p.ms)) / 1000).toFixed(1)} s` },
        ...(result.meanMsPerIteration !== null ? [{ label: 'Time per iteration', value: `${result.meanMsPerIteration.toFixed(0)} ms` }] : []),
        ...(reference ? [{ label: 'Reference training', value: `${reference.updates} updates on ${reference.images} images` }] : []),
      ],
      galleries: [{
        caption: 'Each image and its label map (click for full size; labels/ holds the label PNGs)',
        columns: 4,
        items: shown.map(({ p, name }) => ({ title: `${name}: ${p.labels} labels`, images: [{ file: `previews/${name}.png` }, { file: `overlays/${name}.png` }] })),
      }],
    };
    return { json: result, text, summary };
  },
});

/** A finished reference training's sidecar, when it was made with the same images and options (else the training is redone). */
function readReferenceSidecar(path: string, key: unknown): { lossHistory: number[]; labelCountHistory: number[]; ms: number } | undefined {
  try {
    const s = JSON.parse(readFileSync(path, 'utf8')) as { key: unknown; lossHistory: number[]; labelCountHistory: number[]; ms: number };
    return JSON.stringify(s.key) === JSON.stringify(key) && Array.isArray(s.lossHistory) && Array.isArray(s.labelCountHistory) ? s : undefined;
  } catch {
    return undefined;
  }
}

function curve(name: string, y: number[]): CurveSeries {
  return { name, x: y.map((_, i) => i + 1), y };
}

function mean(v: number[]): number {
  return v.length === 0 ? 0 : v.reduce((a, b) => a + b, 0) / v.length;
}

function meanMsPerIteration(p: { iterations: number; ms: number }[]): number | null {
  const it = p.reduce((a, b) => a + b.iterations, 0);
  return it === 0 ? null : p.reduce((a, b) => a + b.ms, 0) / it;
}

/** Output names: the file stem, with a counter where two inputs share a stem. */
function uniqueNames(files: string[]): string[] {
  const seen = new Map<string, number>();
  return files.map((f) => {
    const stem = basename(f, extname(f));
    const k = seen.get(stem) ?? 0;
    seen.set(stem, k + 1);
    return k === 0 ? stem : `${stem}-${k}`;
  });
}
