// The one training loop every trainer uses (in the manner of Lightning's Trainer / fastai's
// Learner): a method says what one step and one evaluation are; fit owns the epochs, the
// per-epoch re-seeding, progress and log lines, checkpoints, the best checkpoint and --resume.
import { manualSeed } from '../engine/index.js';
import { hashSeed } from '../data/rng.js';
import type { Module } from '../nn/module.js';
import type { Optimizer } from '../optim/index.js';
import { OptionError } from '../util/errors.js';
import { dataParallelFromEnv } from '../distributed/data-parallel.js';
import { inReplica } from '../distributed/replica.js';
import { latestGoodCheckpoint, loadCheckpoint, pruneCheckpoints, saveBestWeights, saveCheckpoint, type CheckpointMeta } from './checkpoint.js';

/** Where fit reports progress (a CLI command's context satisfies it). */
export interface FitReporter {
  log(message: string): void;
  progress(o: { label: string; total: number; unit?: string }): { tick(n?: number, info?: string): void; done(info?: string): void };
}

export interface StepResult {
  /** Scalars averaged over the epoch, weighted by `samples` (e.g. loss, accuracy). */
  metrics: Record<string, number>;
  /** Samples in this step. @default 1 */
  samples?: number;
}

/** What a method tells fit. */
export interface FitTask {
  /** Modules a checkpoint holds, by name. */
  modules: Record<string, Module>;
  /** Optimizers a checkpoint holds, by name. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  optimizers: Record<string, Optimizer<any>>;
  /** Extra JSON-serialisable state (e.g. a pool of past fakes), saved and restored with checkpoints. */
  extraState?: { save(): unknown; load(value: unknown): void };
  /** Steps in epoch `epoch` (0-based). */
  stepsPerEpoch(epoch: number): number;
  /** Before an epoch's steps: learning rate, train mode, data order. */
  beginEpoch?(epoch: number): void | Promise<void>;
  /** One optimisation step of epoch `epoch` (0-based). */
  step(epoch: number, step: number): StepResult | Promise<StepResult>;
  /** After the steps: validation metrics, e.g. { accuracy } or { dice }. */
  evaluate?(epoch: number): Record<string, number> | Promise<Record<string, number>>;
}

export interface FitOptions {
  /** Total epochs (a resumed run continues up to this number). */
  epochs: number;
  /** Folder for checkpoints; none are written when undefined. */
  checkpointDir?: string;
  /** Continue from the newest complete checkpoint in checkpointDir. @default false */
  resume?: boolean;
  /**
   * Seed: libtorch's global generator is re-seeded from (seed, epoch) before each epoch, so a
   * resumed run draws dropout and initialisation-free randomness as an uninterrupted one does.
   * @default 0
   */
  seed?: number;
  /** Validation metric (a key of evaluate's result) that picks best.safetensors. */
  monitor?: { metric: string; mode: 'max' | 'min' };
  /** Epoch checkpoints kept besides the best. @default 2 */
  keepLast?: number;
  /** Progress label, followed by " e/E". @default 'epoch' */
  label?: string;
  /** Stops between steps (a cancelled run keeps its last checkpoint). */
  signal?: AbortSignal;
}

export interface EpochRecord {
  /** Completed epochs (1-based). */
  epoch: number;
  /** Means of the steps' metrics. */
  train: Record<string, number>;
  /** evaluate's result (empty without evaluate). */
  val: Record<string, number>;
  /** Learning rate of each optimizer's first group during the epoch. */
  lr: Record<string, number>;
  seconds: number;
  samplesPerSecond: number;
}

export interface FitResult {
  history: EpochRecord[];
  /** Epochs already done when this call started (0 unless resumed). */
  startEpoch: number;
  /** Best epoch by the monitored metric (1-based), when monitored. */
  bestEpoch?: number;
  bestValue?: number;
}

export interface FitHooks {
  /** After each epoch's checkpoint. */
  onEpoch?(record: EpochRecord): void | Promise<void>;
}

const silent: FitReporter = { log: () => undefined, progress: () => ({ tick: () => undefined, done: () => undefined }) };

function fmt(m: Record<string, number>): string {
  return Object.entries(m).map(([k, v]) => `${k} ${Math.abs(v) >= 100 || v === 0 ? v.toFixed(1) : v.toPrecision(4)}`).join(', ');
}

export async function fit(task: FitTask, o: FitOptions, reporter: FitReporter = silent, hooks: FitHooks = {}): Promise<FitResult> {
  const history: EpochRecord[] = [];
  let best: CheckpointMeta['best'];
  let start = 0;
  const dir = o.checkpointDir;
  if (o.resume) {
    if (!dir) throw new OptionError('--resume', 'needs a run folder with checkpoints');
    const { meta, damaged } = latestGoodCheckpoint(dir);
    for (const d of damaged) reporter.log(`resume: skipping the epoch-${d.epoch} checkpoint (its tensor file does not match the digest recorded with it)`);
    if (!meta) throw new OptionError('--resume', damaged.length ? `every checkpoint in ${dir} is damaged (tensor files do not match their recorded digests)` : `no complete checkpoint in ${dir}`);
    loadCheckpoint(dir, meta, { modules: task.modules, optimizers: task.optimizers });
    if (meta.extra !== undefined) task.extraState?.load(meta.extra);
    history.push(...(meta.history as EpochRecord[]));
    best = meta.best;
    start = meta.epoch;
    reporter.log(`resuming after epoch ${start}`);
  }
  // Under torchrun's variables (kensa launch): rank 0's weights everywhere, gradients averaged
  // over the ranks before every optimizer step, each rank on its part of every global batch
  // (src/distributed/data-parallel.ts). Only rank 0 writes checkpoints, unless this rank's are
  // its private copy of the run folder (src/distributed/replica.ts).
  const dp = await dataParallelFromEnv(task);
  if (dp) reporter.log(`data-parallel: rank ${dp.group.rank} of ${dp.group.worldSize}; ${(Object.values(dp.gradBytes).reduce((a, b) => a + b, 0) / 1e6).toFixed(2)} MB of gradients averaged per step${dp.overlap ? ', overlapped with backward' : ' after backward'}`);
  const writeDir = dp && dp.group.rank > 0 && dir !== undefined && !inReplica(dir) ? undefined : dir;
  try {
    return await epochs(task, o, reporter, hooks, { history, best, start, dir: writeDir });
  } finally {
    dp?.close();
  }
}

async function epochs(task: FitTask, o: FitOptions, reporter: FitReporter, hooks: FitHooks, s: { history: EpochRecord[]; best: CheckpointMeta['best']; start: number; dir: string | undefined }): Promise<FitResult> {
  const { history, start, dir } = s;
  let best = s.best;
  const better = (v: number): boolean => best === undefined || (o.monitor?.mode === 'min' ? v < best.value : v > best.value);
  const label = o.label ?? 'epoch';
  for (let epoch = start; epoch < o.epochs; epoch++) {
    if (o.signal?.aborted) break;
    manualSeed(hashSeed(o.seed ?? 0, epoch, 0x6669));
    for (const m of Object.values(task.modules)) m.train();
    await task.beginEpoch?.(epoch);
    const lr = Object.fromEntries(Object.entries(task.optimizers).map(([k, opt]) => [k, opt.lr]));
    const steps = task.stepsPerEpoch(epoch);
    const bar = reporter.progress({ label: `${label} ${epoch + 1}/${o.epochs}`, total: steps, unit: 'steps' });
    const started = Date.now();
    const sums: Record<string, number> = {};
    let samples = 0;
    for (let s = 0; s < steps; s++) {
      if (o.signal?.aborted) break;
      const r = await task.step(epoch, s);
      const n = r.samples ?? 1;
      for (const [k, v] of Object.entries(r.metrics)) sums[k] = (sums[k] ?? 0) + v * n;
      samples += n;
      bar.tick(1, fmt(r.metrics));
    }
    if (o.signal?.aborted) {
      bar.done('cancelled');
      reporter.log(`cancelled during epoch ${epoch + 1}; the last checkpoint is epoch ${epoch}`);
      break;
    }
    const seconds = (Date.now() - started) / 1000;
    const train = Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v / Math.max(samples, 1)]));
    for (const m of Object.values(task.modules)) m.eval();
    const val = task.evaluate ? await task.evaluate(epoch) : {};
    for (const m of Object.values(task.modules)) m.train();
    const rec: EpochRecord = { epoch: epoch + 1, train, val, lr, seconds, samplesPerSecond: samples / Math.max(seconds, 1e-9) };
    history.push(rec);
    bar.done(`${fmt(train)}${Object.keys(val).length ? ` | val ${fmt(val)}` : ''}`);
    reporter.log(`${label} ${rec.epoch}: ${JSON.stringify(rec)}`);
    let improved = false;
    if (o.monitor) {
      const v = val[o.monitor.metric];
      if (v === undefined) throw new Error(`fit: monitored metric '${o.monitor.metric}' is not among the evaluation's [${Object.keys(val).join(', ')}]`);
      if (Number.isFinite(v) && better(v)) {
        best = { epoch: rec.epoch, metric: o.monitor.metric, value: v };
        improved = true;
      }
    }
    if (dir) {
      if (improved || (!o.monitor && epoch === o.epochs - 1)) saveBestWeights(dir, rec.epoch, task.modules);
      saveCheckpoint(dir, rec.epoch, { modules: task.modules, optimizers: task.optimizers }, { history, extra: task.extraState?.save(), best });
      pruneCheckpoints(dir, o.keepLast ?? 2);
    }
    await hooks.onEpoch?.(rec);
  }
  return { history, startEpoch: start, bestEpoch: best?.epoch, bestValue: best?.value };
}
