// kensa cyclegan train: unpaired translation between two image domains (Zhu et al. 2017, arXiv
// 1703.10593): class folders of one root (or two folders) of 2-D images or NIfTI volumes (slices),
// split by subject; the shared fit loop's checkpoints and --resume; per-epoch sample grids and
// loss curves in the report; cyclegan.json and split.json for `cyclegan translate` and `explain`.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineCommand, type OptionSpecs } from '../command.js';
import { manualSeed } from '../../engine/index.js';
import { NORMALIZATIONS, PLANES, type ImageSetOptions, type Normalization, type Plane } from '../../data/index.js';
import { UPSAMPLE_MODES, type UpsampleMode } from '../../models/index.js';
import {
  GAN_MODES,
  buildCycleGan,
  cycleGanTask,
  disposeNets,
  loadDomains,
  readCycleGanMeta,
  sampleGrid,
  saveCycleGanRun,
  splitDomains,
  CYCLEGAN_FILE,
  type CycleGanNetConfig,
  type CycleGanTrainOptions,
  type GanMode,
} from '../../methods/cyclegan/index.js';
import { fit, latestCheckpoint, type EpochRecord } from '../../train/index.js';
import { imageGrid } from '../../report/figures/image-grid.js';
import { lineCurves } from '../../report/figures/line-curves.js';
import { OptionError } from '../../util/errors.js';
import type { RunFolder } from '../run-folder.js';
import type { ReportSummary } from '../../report/summary.js';

export interface CycleganTrainCliOptions {
  /** Root with one sub-folder per domain. @default none (then --data-a and --data-b) */ data?: string;
  /** Domain A: class folder of --data, or a display name with --data-a. @default the first of exactly two sub-folders */ a?: string;
  /** Domain B. @default the second of exactly two sub-folders */ b?: string;
  /** Folder of domain A images (instead of --data). @default none */ dataA?: string;
  /** Folder of domain B images. @default none */ dataB?: string;
  /** Side of the square training images. @default 128 */ size: number;
  /** Volumes: slice plane. @default 'axial' */ plane: string;
  /** Volumes: slice range as fractions FROM:TO of the axis. @default '0.4:0.6' */ slices: string;
  /** Volumes: every k-th slice of the range. @default 1 */ sliceStep: number;
  /** Intensity normalisation per image or volume. @default 'percentile' */ normalize: string;
  /** Epochs at the initial learning rate. @default 100 */ epochs: number;
  /** Epochs of linear decay to 0 after them. @default 100 */ decayEpochs: number;
  /** Generator filters. @default 64 */ ngf: number;
  /** Discriminator filters. @default 64 */ ndf: number;
  /** Residual blocks; 0 = 6 below 256 px, 9 from 256 px (the paper). @default 0 */ blocks: number;
  /** PatchGAN layers (3 = 70×70 patches). @default 3 */ dLayers: number;
  /** Generator upsampling. @default 'transpose' */ upsample: string;
  /** @default 'lsgan' */ ganMode: string;
  /** λ of the cycle loss, each way. @default 10 */ lambdaCycle: number;
  /** Identity loss weight as a fraction of λ. @default 0.5 */ lambdaIdentity: number;
  /** @default 0.0002 */ lr: number;
  /** @default 0.5 */ beta1: number;
  /** @default 50 */ poolSize: number;
  /** @default 1 */ batchSize: number;
  /** @default true */ flip: boolean;
  /** Most steps per epoch; 0 = max(|A|, |B|). @default 0 */ maxPerEpoch: number;
  /** Fraction of each domain's subjects held out for validation (cycle error, sample grids). @default 0.15 */ valFraction: number;
  /** Fraction of each domain's subjects held out for testing (never trained on). @default 0.15 */ testFraction: number;
  /** Sample pairs in each grid. @default 3 */ samples: number;
  /** A sample grid every k epochs (and after the last). @default 1 */ sampleEvery: number;
  /** Continue from the newest checkpoint in --out. @default false */ resume: boolean;
}

const SPECS: OptionSpecs<CycleganTrainCliOptions> = {
  data: { kind: 'string', description: 'root with one sub-folder per domain (2-D images or NIfTI volumes)', placeholder: 'DIR' },
  a: { kind: 'string', description: 'domain A: class folder of --data (or a name with --data-a); default the first of two sub-folders', placeholder: 'NAME' },
  b: { kind: 'string', description: 'domain B: class folder of --data (or a name with --data-b)', placeholder: 'NAME' },
  dataA: { kind: 'string', description: 'folder of domain A images, instead of --data', placeholder: 'DIR' },
  dataB: { kind: 'string', description: 'folder of domain B images, instead of --data', placeholder: 'DIR' },
  size: { kind: 'integer', description: 'side of the square training images (divisible by 4)', default: 128, min: 16 },
  plane: { kind: 'string', description: 'volumes: slice plane', default: 'axial', choices: PLANES },
  slices: { kind: 'string', description: 'volumes: slice range FROM:TO as fractions of the axis', default: '0.4:0.6', placeholder: 'F:T' },
  sliceStep: { kind: 'integer', description: 'volumes: every k-th slice of the range', default: 1, min: 1 },
  normalize: { kind: 'string', description: 'intensity normalisation per image or volume, to [0, 1]', default: 'percentile', choices: NORMALIZATIONS.filter((n) => n !== 'zscore') },
  epochs: { kind: 'integer', description: 'epochs at the initial learning rate', default: 100, min: 1 },
  decayEpochs: { kind: 'integer', description: 'epochs of linear learning-rate decay to 0 after them', default: 100, min: 0 },
  ngf: { kind: 'integer', description: 'generator filters in the first layer', default: 64, min: 1 },
  ndf: { kind: 'integer', description: 'discriminator filters in the first layer', default: 64, min: 1 },
  blocks: { kind: 'integer', description: 'generator residual blocks (0 = 6 below 256 px, 9 from 256 px)', default: 0, min: 0 },
  dLayers: { kind: 'integer', description: 'PatchGAN layers (3 = 70x70 patches)', default: 3, min: 1 },
  upsample: { kind: 'string', description: 'generator upsampling: transposed conv (reference) or resize + conv (no checkerboard)', default: 'transpose', choices: UPSAMPLE_MODES },
  ganMode: { kind: 'string', description: 'adversarial loss', default: 'lsgan', choices: GAN_MODES },
  lambdaCycle: { kind: 'number', description: 'weight of the cycle L1 loss, each way', default: 10, min: 0 },
  lambdaIdentity: { kind: 'number', description: 'identity L1 weight as a fraction of --lambda-cycle (0 = off)', default: 0.5, min: 0 },
  lr: { kind: 'number', description: 'Adam learning rate', default: 0.0002, min: 0 },
  beta1: { kind: 'number', description: 'Adam beta1 (beta2 = 0.999)', default: 0.5, min: 0, max: 0.999 },
  poolSize: { kind: 'integer', description: 'past fakes kept for the discriminators (0 = none)', default: 50, min: 0 },
  batchSize: { kind: 'integer', description: 'images per domain per step', default: 1, min: 1 },
  flip: { kind: 'boolean', description: 'random left-right flips of training images', default: true },
  maxPerEpoch: { kind: 'integer', description: 'most steps per epoch (0 = max(|A|, |B|) / batch)', default: 0, min: 0 },
  valFraction: { kind: 'number', description: "fraction of each domain's subjects for validation", default: 0.15, min: 0, max: 0.9 },
  testFraction: { kind: 'number', description: "fraction of each domain's subjects held out for testing", default: 0.15, min: 0, max: 0.9 },
  samples: { kind: 'integer', description: 'sample pairs per grid', default: 3, min: 1 },
  sampleEvery: { kind: 'integer', description: 'a sample grid every k epochs (and after the last)', default: 1, min: 1 },
  resume: { kind: 'boolean', description: 'continue from the newest checkpoint in --out', default: false },
};

/** "0.4:0.6" → [0.4, 0.6]. */
export function parseSliceRange(s: string): [number, number] {
  const m = /^\s*([0-9.]+)\s*:\s*([0-9.]+)\s*$/.exec(s);
  const r = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
  if (!(r[0] >= 0 && r[1] <= 1 && r[0] <= r[1])) throw new OptionError('--slices', `expected FROM:TO with 0 <= FROM <= TO <= 1, got '${s}'`);
  return [r[0], r[1]];
}

const sumOf = (h: EpochRecord, keys: string[]): number => keys.reduce((a, k) => a + (h.train[k] ?? 0), 0);

async function addCurves(run: RunFolder, history: EpochRecord[]): Promise<void> {
  const x = history.map((h) => h.epoch);
  const series = (name: string, keys: string[]): { name: string; x: number[]; y: number[] } => ({ name, x, y: history.map((h) => sumOf(h, keys)) });
  await run.figures.add(lineCurves, 'losses', { series: [
    series('G adversarial (A→B + B→A)', ['advA2B', 'advB2A']),
    series('cycle (A + B, ×λ)', ['cycleA', 'cycleB']),
    series('identity (A + B)', ['idtA', 'idtB']),
    series('D (A + B)', ['dA', 'dB']),
  ] }, { xTitle: 'epoch', yTitle: 'mean loss' }, 'Mean training losses per epoch (weighted terms as optimised).');
  if (history.some((h) => h.val.valCycleA !== undefined)) {
    await run.figures.add(lineCurves, 'validation-cycle', { series: [
      { name: 'A → B → A', x, y: history.map((h) => h.val.valCycleA ?? NaN) },
      { name: 'B → A → B', x, y: history.map((h) => h.val.valCycleB ?? NaN) },
    ] }, { xTitle: 'epoch', yTitle: 'mean |cycle − input|' }, 'Cycle error on validation subjects, in [0, 1] intensity units.');
  }
}

export const cycleganTrainCommand = defineCommand<CycleganTrainCliOptions>({
  name: 'cyclegan train',
  summary: 'CycleGAN between two image domains (class folders or two folders; NIfTI slices), split by subject',
  writesRun: true,
  options: SPECS,
  async run(o, _args, ctx) {
    const run = ctx.run();
    if (!run) throw new OptionError('--out', 'is required (the run folder)');
    const ckDir = run.path('checkpoints');
    if (o.resume && !latestCheckpoint(ckDir)) throw new OptionError('--resume', `no complete checkpoint in ${ckDir}`);
    if (!o.resume && latestCheckpoint(ckDir)) throw new OptionError('--out', `${run.dir} holds checkpoints of an earlier run: add --resume to continue it, or choose another folder`);
    if (o.size % 4 !== 0) throw new OptionError('--size', `must be divisible by 4 (two stride-2 downsamplings), got ${o.size}`);
    const image: ImageSetOptions = { size: o.size, channels: 'grey', plane: o.plane as Plane, sliceRange: parseSliceRange(o.slices), sliceStep: o.sliceStep, normalize: o.normalize as Normalization };
    const nets: CycleGanNetConfig = {
      generator: { inChannels: 1, outChannels: 1, ngf: o.ngf, blocks: o.blocks || (o.size >= 256 ? 9 : 6), upsample: o.upsample as UpsampleMode },
      discriminator: { inChannels: 1, ndf: o.ndf, layers: o.dLayers },
    };
    const topts: CycleGanTrainOptions = {
      epochs: o.epochs, decayEpochs: o.decayEpochs, lr: o.lr, beta1: o.beta1, poolSize: o.poolSize, batchSize: o.batchSize, flip: o.flip,
      maxPerEpoch: o.maxPerEpoch, lambdaCycle: o.lambdaCycle, lambdaIdentity: o.lambdaIdentity, ganMode: o.ganMode as GanMode, seed: o.seed, device: o.device,
    };
    const { names, set } = await loadDomains({ root: o.data, a: o.a, b: o.b, dirA: o.dataA, dirB: o.dataB }, image);
    if (o.resume && existsSync(run.path(CYCLEGAN_FILE))) {
      const before = readCycleGanMeta(run.dir);
      const same = JSON.stringify([before.domains, before.nets, before.image]) === JSON.stringify([names, nets, image]);
      if (!same) throw new OptionError('--resume', `the run in ${run.dir} was trained with other domains, networks or image options (see ${CYCLEGAN_FILE})`);
    }
    const parts = splitDomains(set, { valFraction: o.valFraction, testFraction: o.testFraction, seed: o.seed });
    const { train, val, test } = parts;
    ctx.log(`cyclegan train: ${names.a} → ${names.b}; ${train.a.count} + ${train.b.count} training images, ${val.a.count} + ${val.b.count} validation, ${test.a.count} + ${test.b.count} test (${parts.split.train.length}/${parts.split.val.length}/${parts.split.test.length} subjects); ${o.size}×${o.size} px`);
    const abs = (p?: string): string | undefined => (p === undefined ? undefined : resolve(p));
    await saveCycleGanRun(run.dir, { domains: names, data: { root: abs(o.data), dirA: abs(o.dataA), dirB: abs(o.dataB) }, nets, image, train: topts }, parts.split);
    manualSeed(o.seed);
    const n = buildCycleGan(nets);
    try {
      const task = cycleGanTask(n, train.a, train.b, topts, val.a.count > 0 && val.b.count > 0 ? val : undefined);
      const shown = val.a.count > 0 && val.b.count > 0 ? val : train;
      const total = o.epochs + o.decayEpochs;
      const r = await fit(task, { epochs: total, checkpointDir: run.checkpointDir(), resume: o.resume, seed: o.seed, keepLast: 2 }, ctx, {
        onEpoch: async (rec) => {
          if (rec.epoch % o.sampleEvery === 0 || rec.epoch === total) {
            const grid = sampleGrid(n, shown.a, shown.b, names, o.samples, o.device);
            const name = `samples-epoch-${String(rec.epoch).padStart(4, '0')}`;
            await run.figures.add(imageGrid, name, grid, { columns: 6, cellWidth: 128 }, `Epoch ${rec.epoch}, ${shown === val ? 'validation' : 'training'} subjects: G translates ${names.a} (A) to ${names.b} (B), F back; each row A, G(A), F(G(A)), B, F(B), G(F(B)).`);
          }
        },
      });
      const history = [...r.history];
      await addCurves(run, history);
      const last = history.at(-1);
      const steps = task.stepsPerEpoch(0);
      const done = history.slice(r.startEpoch);
      const msPerIteration = done.length ? (done.reduce((s, h) => s + h.seconds, 0) * 1000) / (done.length * steps) : null;
      const result = {
        domains: names,
        images: { train: { a: train.a.count, b: train.b.count }, val: { a: val.a.count, b: val.b.count }, test: { a: test.a.count, b: test.b.count } },
        subjects: { train: parts.split.train.length, val: parts.split.val.length, test: parts.split.test.length },
        nets,
        epochs: history.length,
        startEpoch: r.startEpoch,
        stepsPerEpoch: steps,
        msPerIteration,
        final: last ? { ...last.train, ...last.val } : {},
        history: history.map((h) => ({ epoch: h.epoch, lr: h.lr.g, seconds: h.seconds, ...h.train, ...h.val })),
        model: run.dir,
      };
      const cyc = last ? `cycle ${(last.train.cycleA + last.train.cycleB).toFixed(3)}${last.val.valCycleA !== undefined ? `, validation cycle error ${last.val.valCycleA.toFixed(3)}/${last.val.valCycleB.toFixed(3)}` : ''}` : 'no epoch run';
      const figs = (await run.figures.list()).filter((f) => f.name === 'validation-cycle' || f.name === 'losses');
      const grids = (await run.figures.list()).filter((f) => f.kind === 'image-grid');
      const summary: ReportSummary = {
        verdict: last
          ? `${history.length} epochs between ${names.a} (A) and ${names.b} (B)${last.val.valCycleA !== undefined ? `; on validation subjects a round trip changes an image by ${last.val.valCycleA.toFixed(3)} (A → B → A) and ${last.val.valCycleB.toFixed(3)} (B → A → B) in mean absolute intensity (0–1 scale)` : ''}.`
          : 'No epoch ran.',
        facts: [
          { label: 'Training images', value: `${train.a.count} + ${train.b.count}`, note: `${parts.split.train.length} subjects` },
          { label: 'Epochs', value: history.length },
          ...(msPerIteration !== null ? [{ label: 'Time per iteration', value: `${msPerIteration.toFixed(0)} ms` }] : []),
        ],
        galleries: [
          ...(grids.length > 0 ? [{ caption: 'Samples of the last epoch: A, G(A), F(G(A)), B, F(B), G(F(B))', columns: 1, side: 768, items: [{ title: grids[grids.length - 1].name, images: [{ file: grids[grids.length - 1].file }] }] }] : []),
          ...(figs.length > 0 ? [{ caption: 'Losses and validation cycle error per epoch', columns: 2, side: 480, items: figs.map((f) => ({ title: f.name, images: [{ file: f.file }] })) }] : []),
        ],
      };
      return { json: result, summary, text: `cyclegan train: ${names.a} ↔ ${names.b}, ${history.length} epochs, ${cyc}; model in ${run.dir}` };
    } finally {
      disposeNets(n);
    }
  },
});
