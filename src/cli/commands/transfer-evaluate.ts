// kensa transfer evaluate: the transfer experiment of Nemoto et al. (Figure 3). For each target task,
// AdaBoost (decision stumps) on few labels of the training subjects, read after 1 … T weak learners
// on every patch of the other subjects: ROC AUC (mean over seeds) with a stratified bootstrap 95 %
// interval, for frozen features of the landmark-pretrained network, a random initialisation, a
// natural-image pretraining (a CIFAR-10 stand-in), optionally a shuffled-label control, and raw
// patch intensities.
import { readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { defineCommand, type CommonOptions } from '../command.js';
import { manualSeed } from '../../engine/index.js';
import { hashSeed } from '../../data/rng.js';
import { splitItems } from '../../data/splits.js';
import { buildBackbone, type ClassifierNet } from '../../methods/classify/backbones.js';
import { classifierTask, pixelNorm } from '../../methods/classify/trainer.js';
import { ADABOOST_ALGORITHMS, type AdaBoostAlgorithm } from '../../methods/transfer/adaboost.js';
import { learnerCounts, type AucCurve } from '../../methods/transfer/boosting-curves.js';
import type { FeatureMatrix } from '../../methods/transfer/decision-stump.js';
import { transferCurves } from '../../methods/transfer/evaluate.js';
import { loadFeatureFile } from '../../methods/transfer/feature-file.js';
import { checkLayer, layerFeatures, parseLayerList, rawFeatures, type LayerChoice } from '../../methods/transfer/features.js';
import { loadLandmarkModel, type StoredLandmarkModel } from '../../methods/transfer/model-store.js';
import { naturalTask } from '../../methods/transfer/patch-sets.js';
import { paramCurves } from '../../report/figures/param-curves.js';
import type { ReportSummary, SummaryTable } from '../../report/summary.js';
import { fit } from '../../train/index.js';
import { InputError, OptionError } from '../../util/errors.js';
import type { RunFolder } from '../run-folder.js';
import { safeName } from './segment-train.js';
import { REGION_FOLDER_SPECS, modelRegionFolder, parseTasks, targetPatches, type RegionFolderCliOptions } from './transfer-options.js';

export interface TransferEvaluateOptions extends RegionFolderCliOptions {
  /** Landmark-pretraining run. (required) */ model: string;
  /** Shuffled-label control run ('' = none). @default '' */ control: string;
  /** Folder of natural images for the natural-image pretraining ('' = none). @default '' */ naturalImages: string;
  /** Images (classes) of the natural-image task. @default 60 */ naturalClasses: number;
  /** Crops per image and epoch. @default 40 */ naturalPerClass: number;
  /** Epochs of the natural-image pretraining. @default 6 */ naturalEpochs: number;
  /** Region folder; '' = the model's. @default '' */ data: string;
  /** Target tasks, comma-separated. @default 'structures,lesions' */ tasks: string;
  /** Network layers read, comma-separated LAYER[/POOL]. @default 'embed' */ layers: string;
  /** Saved feature files (kensa transfer features) added as more curves, comma-separated. @default '' */ features: string;
  /** Patch centres per class and volume. @default 40 */ perVolume: number;
  /** Training patches per class and seed. @default 20 */ labels: number;
  /** Seeds (each its own few labels). @default 5 */ seeds: number;
  /** Most weak learners. @default 200 */ learners: number;
  /** @default 'SAMME' */ algorithm: string;
  /** Bootstrap resamples. @default 500 */ resamples: number;
  /** Other folders: share of its subjects the few labels come from. @default 0.5 */ trainFraction: number;
}

const csv = (s: string): string[] => s.split(',').map((x) => x.trim()).filter((x) => x !== '');
/** Learner counts shown in the summary table. */
const TABLE_COUNTS = [1, 10, 100, 200];

interface PretrainScore {
  top1: number;
  top5: number;
  /** Top-1 on the landmark patches alone (absent in older runs). */
  landmarkTop1?: number;
}

export const transferEvaluateCommand = defineCommand<TransferEvaluateOptions>({
  name: 'transfer evaluate',
  summary: 'AdaBoost AUC vs weak learners (bootstrap 95 % bands) on target tasks for landmark, random-init, natural-image and raw features',
  writesRun: true,
  options: {
    model: { kind: 'string', description: 'run folder written by kensa transfer pretrain', required: true, placeholder: 'RUN' },
    control: { kind: 'string', description: "a kensa transfer pretrain --shuffle-labels run whose features are compared too ('' = none)", default: '', placeholder: 'RUN' },
    naturalImages: { kind: 'string', description: "folder of natural images: the same mini-VGG is trained to tell them apart from crops (a CIFAR-10 stand-in; '' = no natural-image curve)", default: '', placeholder: 'DIR' },
    naturalClasses: { kind: 'integer', description: 'images (classes) of the natural-image task, the first ones by name', default: 60, min: 2 },
    naturalPerClass: { kind: 'integer', description: 'crops per image and epoch (test crops come from a held-apart strip)', default: 40, min: 1 },
    naturalEpochs: { kind: 'integer', description: 'epochs of the natural-image pretraining', default: 6, min: 1 },
    data: { kind: 'string', description: "region folder of the same layout ('' = the one the model was trained on)", default: '', placeholder: 'DIR' },
    ...REGION_FOLDER_SPECS,
    tasks: { kind: 'string', description: 'target tasks, comma-separated: structures, lesions', default: 'structures,lesions' },
    layers: { kind: 'string', description: 'network layers whose frozen features are compared, comma-separated LAYER[/POOL] (embed, features.<i>/gap, features.<i>/flatten)', default: 'embed' },
    features: { kind: 'string', description: 'feature files written by kensa transfer features, comma-separated (each must describe the same task patches)', default: '', placeholder: 'FILE,...' },
    perVolume: { kind: 'integer', description: 'patch centres per class and volume', default: 40, min: 1 },
    labels: { kind: 'integer', description: 'training patches per class and seed (few labels)', default: 20, min: 1 },
    seeds: { kind: 'integer', description: 'seeds: each draws its own few labels and boosts its own ensemble', default: 5, min: 1 },
    learners: { kind: 'integer', description: 'most weak learners; AUC is read at log-spaced counts 1 … this', default: 200, min: 1 },
    algorithm: { kind: 'string', description: 'AdaBoost variant', default: 'SAMME', choices: ADABOOST_ALGORITHMS },
    resamples: { kind: 'integer', description: 'bootstrap resamples of the test patches (stratified) for the 95 % intervals', default: 500, min: 10 },
    trainFraction: { kind: 'number', description: "with another --data than the model's: share of its subjects the few labels come from (the rest are tested)", default: 0.5, min: 0.05, max: 0.95 },
  },
  async run(o, _args, ctx) {
    if (o.out === undefined) throw new OptionError('--out', 'is required (report, curves and JSON go there)');
    const started = Date.now();
    const tasks = parseTasks(o.tasks);
    const layers = parseLayerList(o.layers);
    const landmark = loadLandmarkModel(o.model);
    const nets: { name: string; net: ClassifierNet; norm: { mean: number; std: number } }[] = [];
    try {
      for (const l of layers) checkLayer(landmark.net, l.layer, l.pool);
      const meta = landmark.meta;
      const pretrainTest = readPretrainScore(o.model);
      nets.push({ name: 'landmark', net: landmark.net, norm: meta.norm });
      let control: PretrainScore | undefined;
      if (o.control) {
        const c = loadLandmarkModel(o.control);
        nets.push({ name: 'shuffled-label', net: c.net, norm: c.meta.norm });
        if (c.meta.net.inputSize !== meta.net.inputSize || c.meta.classNames.length !== meta.classNames.length) throw new InputError(o.control, `was trained on ${c.meta.classNames.length} classes of ${c.meta.net.inputSize}-px patches, the model on ${meta.classNames.length} of ${meta.net.inputSize}`);
        control = readPretrainScore(o.control);
      }
      manualSeed(hashSeed(o.seed, 0x726e64));
      nets.push({ name: 'random init', net: buildBackbone(meta.net), norm: meta.norm });
      const extra = csv(o.features).map((f) => ({ name: basename(f).replace(/\.safetensors$/, ''), file: loadFeatureFile(resolve(f)) }));
      const folder = await modelRegionFolder(o.data, o, meta);
      let natural: { top1: number; classes: number } | undefined;
      if (o.naturalImages) {
        const r = await naturalPretraining(o, meta, ctx);
        nets.push({ name: 'natural', net: r.net, norm: r.norm });
        natural = { top1: r.top1, classes: o.naturalClasses };
      }
      const { train, test } = targetSubjects(folder.dir, folder.pairs.map((p) => p.stem), meta, o);
      const counts = learnerCounts(o.learners);
      const run = ctx.run()!;
      const out: Record<string, TaskResult> = {};
      for (const name of tasks) {
        const { task, set } = await targetPatches(name, folder, meta, o.perVolume, o.seed);
        const feats = new Map<string, FeatureMatrix>();
        for (const n of nets) for (const l of layers) feats.set(featureName(n.name, l, layers), layerFeatures(n.net, set, l.layer, l.pool, { norm: n.norm, device: o.device }));
        feats.set('raw', rawFeatures(set));
        for (const e of extra) {
          if (e.file.task !== name) continue;
          const same = e.file.data === folder.dir && e.file.perVolume === o.perVolume && e.file.taskSeed === o.seed && e.file.groups.join('/') === task.items.map((it) => it.group).join('/') && e.file.labels.every((l, i) => l === task.items[i].label);
          if (!same) throw new InputError(e.name, `describes other ${name} patches (data, --per-volume or --seed differ from this run's)`);
          feats.set(e.name, e.file.features);
        }
        ctx.log(`transfer evaluate: ${name} (${task.classNames.join(' vs ')}): ${task.items.length} patches, features ${[...feats].map(([k, f]) => `${k} ${f.cols}`).join(', ')}`);
        const r = transferCurves(task, feats, new Set(train), new Set(test), { labels: o.labels, seeds: o.seeds, counts, algorithm: o.algorithm as AdaBoostAlgorithm, resamples: o.resamples, seed: o.seed });
        out[name] = { classNames: task.classNames, patches: task.items.length, testPatches: r.testCount, ...pick(r.curves) };
        await aucFigure(run, name, task.classNames, r.curves, r.testCount, o);
      }
      const result = {
        pretrainTop1: pretrainTest.top1,
        pretrainTop5: pretrainTest.top5,
        ...(pretrainTest.landmarkTop1 !== undefined ? { pretrainLandmarkTop1: pretrainTest.landmarkTop1 } : {}),
        ...(control ? { controlTop1: control.top1 } : {}),
        ...(natural ? { naturalTop1: natural.top1 } : {}),
        counts,
        subjects: { train, test },
        labels: o.labels,
        seeds: o.seeds,
        algorithm: o.algorithm,
        tasks: out,
        seconds: (Date.now() - started) / 1000,
        model: resolve(o.model),
        data: folder.dir,
      };
      const summary = await evaluateSummary(run, result, counts, natural, control);
      const at = (t: TaskResult, f: string, c: number): string => t.auc[f][counts.indexOf(c)]?.toFixed(3) ?? '–';
      return {
        json: result,
        summary,
        text: `transfer evaluate: pretraining top-1 ${(pretrainTest.top1 * 100).toFixed(1)} %; ` + Object.entries(out).map(([k, t]) => `${k}: AUC at 1 learner ${Object.keys(t.auc).map((f) => `${f} ${at(t, f, 1)}`).join(', ')}`).join('; '),
      };
    } finally {
      for (const n of nets) n.net.dispose();
      if (!nets.some((n) => n.net === landmark.net)) landmark.net.dispose();
    }
  },
});

interface TaskResult {
  classNames: readonly string[];
  patches: number;
  testPatches: number;
  /** Per feature kind: mean AUC over seeds at each learner count. */
  auc: Record<string, number[]>;
  low: Record<string, number[]>;
  high: Record<string, number[]>;
  perSeed: Record<string, number[][]>;
}

function pick(curves: Record<string, AucCurve>): Pick<TaskResult, 'auc' | 'low' | 'high' | 'perSeed'> {
  const of = <K extends 'auc' | 'low' | 'high' | 'perSeed'>(k: K) => Object.fromEntries(Object.entries(curves).map(([n, c]) => [n, c[k]])) as Record<string, AucCurve[K]>;
  return { auc: of('auc'), low: of('low'), high: of('high'), perSeed: of('perSeed') };
}

function featureName(net: string, l: LayerChoice, all: readonly LayerChoice[]): string {
  return all.length === 1 && l.layer === 'embed' ? net : `${net} ${l.layer}${l.layer === 'embed' ? '' : `/${l.pool}`}`;
}

/** Top-1 / top-5 on the held-apart subjects from a pretraining run's metrics.json. */
function readPretrainScore(runDir: string): PretrainScore {
  const path = join(runDir, 'metrics.json');
  let m: { test?: PretrainScore };
  try {
    m = JSON.parse(readFileSync(path, 'utf8')) as { test?: PretrainScore };
  } catch (e) {
    throw new InputError(path, `cannot be read (${(e as NodeJS.ErrnoException).code ?? 'not JSON'}): is the pretraining run complete?`);
  }
  if (typeof m.test?.top1 !== 'number') throw new InputError(path, 'holds no test top-1 (the run held no subjects apart)');
  return m.test;
}

/** Few labels from the model's training subjects, tests on the rest; another folder is split anew by seed. */
function targetSubjects(dir: string, stems: string[], meta: StoredLandmarkModel, o: TransferEvaluateOptions & CommonOptions): { train: string[]; test: string[] } {
  if (dir === meta.data && stems.join('/') === [...meta.split.train, ...meta.split.val, ...meta.split.test].sort().join('/')) return { train: meta.split.train, test: [...meta.split.val, ...meta.split.test] };
  if (dir === meta.data) return { train: meta.split.train, test: stems.filter((s) => !meta.split.train.includes(s)) };
  const parts = splitItems(stems, { fractions: [o.trainFraction, 0, 1 - o.trainFraction], seed: o.seed });
  if (parts.train.length === 0 || parts.test.length === 0) throw new OptionError('--train-fraction', `splits the ${stems.length} subjects of ${dir} into ${parts.train.length} training and ${parts.test.length} test subjects`);
  return { train: parts.train, test: parts.test };
}

/** The same mini-VGG trained to tell natural images apart from their crops, through the shared fit loop. */
async function naturalPretraining(o: TransferEvaluateOptions & CommonOptions, meta: StoredLandmarkModel, ctx: Parameters<typeof fit>[2]): Promise<{ net: ClassifierNet; norm: { mean: number; std: number }; top1: number }> {
  const nat = await naturalTask(o.naturalImages, { classes: o.naturalClasses, perClass: o.naturalPerClass, pixels: meta.net.inputSize }, o.seed);
  const first = nat.trainSet(0);
  const norm = pixelNorm(first);
  manualSeed(o.seed);
  const net = buildBackbone({ ...meta.net, numClasses: nat.classes.length });
  const task = classifierTask(net, first, nat.test, { epochs: o.naturalEpochs, batchSize: 64, augment: 'flip', norm, seed: o.seed, device: o.device, epochSet: async (e) => nat.trainSet(e) });
  const r = await fit(task, { epochs: o.naturalEpochs, seed: o.seed, label: 'natural-image epoch' }, ctx);
  task.optimizer.dispose();
  return { net, norm, top1: r.history.at(-1)?.val.accuracy ?? NaN };
}

async function aucFigure(run: RunFolder, name: string, classNames: readonly string[], curves: Record<string, AucCurve>, testCount: number, o: TransferEvaluateOptions): Promise<void> {
  const series = Object.entries(curves).map(([k, c]) => ({ name: k, x: c.counts, y: c.auc, lower: c.low, upper: c.high }));
  await run.figures.add(paramCurves, safeName(`auc-${name}`), { series }, { xTitle: 'number of weak learners (decision stumps)', yTitle: 'ROC AUC', logX: true, legendTitle: 'features', title: `${name}: ${classNames.join(' vs ')}` },
    `Task ${name} (${classNames.join(' vs ')}): AdaBoost ${o.algorithm} on ${o.labels} labelled patches per class, mean ROC AUC over ${o.seeds} seeds on ${testCount} test patches of the other subjects; bands: stratified bootstrap 95 % intervals (${o.resamples} resamples).`);
}

async function evaluateSummary(run: RunFolder, r: { pretrainTop1: number; tasks: Record<string, TaskResult>; labels: number; seeds: number; subjects: { train: string[]; test: string[] } }, counts: number[], natural?: { top1: number; classes: number }, control?: PretrainScore): Promise<ReportSummary> {
  const shown = TABLE_COUNTS.filter((c) => counts.includes(c));
  const tables: SummaryTable[] = Object.entries(r.tasks).map(([name, t]) => {
    const feats = Object.keys(t.auc);
    const cols = shown.map((c) => counts.indexOf(c));
    const best: [number, number][] = cols.map((ci, j) => [feats.reduce((bi, f, i) => (t.auc[f][ci] > t.auc[feats[bi]][ci] ? i : bi), 0), j]);
    return {
      caption: `${name} (${t.classNames.join(' vs ')}): mean AUC [bootstrap 95 % interval] after 1 … ${counts.at(-1)} learners; ${r.labels} labels per class, ${r.seeds} seeds, ${t.testPatches} test patches; bold: highest per column`,
      columns: ['features', ...shown.map((c) => `${c} learner${c === 1 ? '' : 's'}`)],
      rows: feats.map((f) => ({ label: f, cells: cols.map((ci) => `${t.auc[f][ci].toFixed(3)} [${t.low[f][ci].toFixed(3)}, ${t.high[f][ci].toFixed(3)}]`) })),
      best,
    };
  });
  const one = counts.indexOf(1);
  const last = counts.length - 1;
  // per task: the best landmark feature against the best of the rest, at one learner and at the most
  const lead = Object.entries(r.tasks).map(([name, t]) => {
    const feats = Object.keys(t.auc);
    const mine = feats.filter((f) => f === 'landmark' || f.startsWith('landmark '));
    const others = feats.filter((f) => !mine.includes(f));
    if (mine.length === 0 || others.length === 0) return `${name}: no comparison`;
    const at = (c: number): string => {
      const top = (fs: string[]): string => fs.reduce((b, f) => (t.auc[f][c] > t.auc[b][c] ? f : b), fs[0]);
      const [a, b] = [top(mine), top(others)];
      const d = t.auc[a][c] - t.auc[b][c];
      const apart = t.low[a][c] > t.high[b][c] || t.high[a][c] < t.low[b][c];
      return `${a} ${t.auc[a][c].toFixed(3)} vs ${b} ${t.auc[b][c].toFixed(3)} (${d >= 0 ? '+' : ''}${d.toFixed(3)}${apart ? ', intervals apart' : ', intervals overlap'})`;
    };
    return `${name}: at 1 learner ${at(one)}; at ${counts[last]} ${at(last)}`;
  });
  const figures = (await run.figures.list()).filter((f) => f.name.startsWith('auc-'));
  return {
    verdict: `Best landmark features against the best other features — ${lead.join('. ')}. Landmark pretraining reached top-1 ${(r.pretrainTop1 * 100).toFixed(1)} % on its held-apart subjects.`,
    facts: [
      { label: 'Landmark pretraining top-1', value: `${(r.pretrainTop1 * 100).toFixed(1)} %`, note: 'held-apart subjects' },
      ...(control ? [{ label: 'Shuffled-label control top-1', value: `${(control.top1 * 100).toFixed(1)} %` }] : []),
      ...(natural ? [{ label: 'Natural-image pretraining top-1', value: `${(natural.top1 * 100).toFixed(1)} %`, note: `${natural.classes} images as classes, held-apart strips` }] : []),
      { label: 'Subjects', value: `${r.subjects.train.length} / ${r.subjects.test.length}`, note: 'few labels from / tested on' },
      { label: 'Labels per class', value: r.labels, note: `${r.seeds} seeds` },
    ],
    tables,
    galleries: figures.length > 0 ? [{ caption: 'AUC against the number of weak learners (log scale), bootstrap 95 % bands', columns: Math.min(2, figures.length), side: 480, items: figures.map((f) => ({ title: f.name, images: [{ file: f.file }] })) }] : [],
  };
}
