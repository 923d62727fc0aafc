// kensa metric openset-eval: leave-one-class-out unknown-material detection as blocked
// cross-validation — every test block × seed × held-out class, every head trained on the known
// classes, every unknown score judged; means with bootstrap intervals over folds, and each head's
// AUROC against softmax MSP / Energy paired on the same folds.
import { defineCommand } from '../command.js';
import { HEAD_NAMES } from '../../methods/metric-learning/heads/index.js';
import { SCORE_NAMES } from '../../methods/metric-learning/scores/index.js';
import { meanSd, type FoldHeadResult } from '../../methods/metric-learning/open-set-eval.js';
import { foldSpecs, headIntervals, pairedComparison, type ProtocolFoldResult } from '../../methods/metric-learning/openset-protocol.js';
import { intervalMethod } from '../../methods/metric-learning/fold-stats.js';
import { OptionError } from '../../util/errors.js';
import { METRIC_DATA_SPECS, METRIC_NET_SPECS, type MetricDataOptions, type MetricNetOptions } from './metric-options.js';
import { prepareOpenset, runFold, testBlockCount, type FoldRunOptions } from './metric-openset-folds.js';
import { runFoldsInWorkers, type PoolJob } from './metric-openset-pool.js';
import { inGroup, spreadOverRanks } from '../../distributed/spread.js';
import { embeddingFigures, opensetSummary, rocFigure, withInterval } from './metric-openset-report.js';

export interface MetricOpensetEvalOptions extends MetricDataOptions, MetricNetOptions {
  /** Heads compared, comma-separated. @default every registered head */ heads: string;
  /** Classes held out in turn, comma-separated; '' = every class. @default '' */ holdOut: string;
  /** Test blocks of the contiguous split: 'all', a comma list (0-based), or '' = --test-block alone. @default '' */ testBlocks: string;
  /** Training seeds: a count N (--seed … --seed + N − 1) or a comma list of seeds. @default '1' */ seeds: string;
  /** Unknown images tested: 'all' of the held-out class, or 'test-block' (only those in the test block of its own sequence, the positions the known test images have). @default 'all' */ unknownImages: string;
  /** Worker processes training folds side by side, one libtorch thread each; at most --threads. @default 1 (in this process) */ workers: number;
  /** Embedding figures (PCA, UMAP) for the first held-out class. @default true */ figures: boolean;
  /** Continue a killed run in --out: each fold and head from its newest checkpoint (finished ones are not retrained). @default false */ resume: boolean;
}

const STATS = ['auroc', 'auprIn', 'auprOut', 'fpr95', 'imageAuroc', 'knownImageAccuracy', 'unknownImageRecall'] as const;
const INTERVALS = { resamples: 2000, level: 0.95, seed: 0 };

export const metricOpensetEvalCommand = defineCommand<MetricOpensetEvalOptions>({
  name: 'metric openset-eval',
  summary: 'leave-one-class-out unknown detection over test blocks and seeds: metric heads vs softmax, every unknown score',
  writesRun: true,
  options: {
    ...METRIC_DATA_SPECS,
    ...METRIC_NET_SPECS,
    heads: { kind: 'string', description: `heads to compare (${HEAD_NAMES.join(', ')})`, default: HEAD_NAMES.join(','), placeholder: 'LIST' },
    holdOut: { kind: 'string', description: "classes held out in turn ('' = all)", default: '', placeholder: 'LIST' },
    testBlocks: { kind: 'string', description: "test blocks of the contiguous split: 'all', a list (0-based), or '' = --test-block alone", default: '', placeholder: 'LIST' },
    seeds: { kind: 'string', description: 'training seeds: a count N (--seed … --seed+N−1) or a comma list', default: '1', placeholder: 'N|LIST' },
    unknownImages: { kind: 'string', description: "unknown images tested: 'all' of the held-out class, or 'test-block' (those in its own test block)", default: 'all', choices: ['all', 'test-block'] },
    workers: { kind: 'integer', description: 'worker processes training folds side by side (1 libtorch thread each, at most --threads)', default: 1, min: 1 },
    figures: { kind: 'boolean', description: 'embedding projections (PCA, UMAP) for the first held-out class', default: true },
    resume: { kind: 'boolean', description: 'continue a killed run in --out (each fold and head from its newest checkpoint)', default: false },
  },
  async run(o, _args, ctx) {
    const heads = o.heads.split(',').map((s) => s.trim()).filter(Boolean);
    for (const h of heads) if (!HEAD_NAMES.includes(h)) throw new OptionError('--heads', `unknown head '${h}' (one of ${HEAD_NAMES.join(', ')})`);
    const blocks = parseTestBlocks(o);
    const seeds = parseSeeds(o.seeds, o.seed);
    if (o.workers > o.threads) throw new OptionError('--workers', `${o.workers} workers need --threads ${o.workers} or more (each runs one libtorch thread), got --threads ${o.threads}`);
    const fo: FoldRunOptions = { ...pick(o), unknownImages: o.unknownImages, device: o.device };
    const data = await prepareOpenset(fo, blocks, seeds);
    const { classes, images, all } = data;
    const holdOut = o.holdOut ? o.holdOut.split(',').map((s) => s.trim()) : classes;
    for (const c of holdOut) if (!classes.includes(c)) throw new OptionError('--hold-out', `no class '${c}' (classes: ${classes.join(', ')})`);
    if (classes.length < 3) throw new OptionError('--data', `leave-one-class-out needs at least 3 classes, found ${classes.length}`);
    const first = data.splits.values().next().value!;
    const guarded = images.length - first.train.length - first.val.length - first.test.length;
    ctx.log(`openset-eval: ${images.length} images of ${classes.join('/')}; test block${blocks.length > 1 ? 's' : ''} ${blocks.join(', ')} of ${testBlockCount(o)}, seed${seeds.length > 1 ? 's' : ''} ${seeds.join(', ')}; first split train ${first.train.length} / val ${first.val.length} / test ${first.test.length} images${guarded ? `, ${guarded} left out by --guard` : ''}; unknown images: ${o.unknownImages}`);
    ctx.log(`tiles: ${all.count} of ${all.size}×${all.size} px (${o.tileSize} px downsampled ×${o.downsample})`);
    const run = ctx.run();
    if (o.resume && !run) throw new OptionError('--resume', 'needs --out, the folder of the run to continue');
    const splitPaths = (ims: number[]): string[] => ims.map((i) => images[i].path);
    await run?.writeJson('split.json', { classes, blocks: [...data.splits.entries()].map(([key, s]) => ({ key, train: splitPaths(s.train), val: splitPaths(s.val), test: splitPaths(s.test) })) });
    const specs = foldSpecs(blocks, seeds, holdOut, heads);
    // figures: ROC curves per held-out class on the first block and seed, projections of its first class
    const jobs: PoolJob[] = specs.map((spec) => {
      const lead = spec.testBlock === blocks[0] && spec.seed === seeds[0];
      return { spec, keep: { roc: lead && o.figures, embeddings: lead && o.figures && spec.heldOut === holdOut[0] } };
    });
    const bar = ctx.progress({ label: `${specs.length} fold${specs.length === 1 ? '' : 's'} (${blocks.length} block × ${seeds.length} seed × ${holdOut.length} class × ${heads.length} head)`, total: specs.length, unit: 'folds' });
    const report = (r: ProtocolFoldResult, id: string): void => {
      const line = `${id}: closed-set tiles ${(r.closedSetTileAccuracy * 100).toFixed(1)}%, images ${(r.closedSetImageAccuracy * 100).toFixed(1)}%; AUROC ${SCORE_NAMES.map((s) => `${s} ${r.scores[s].auroc.toFixed(3)}`).join(', ')} (${r.trainSeconds.toFixed(0)} s)`;
      bar.tick(1, line);
      run?.log(line);
    };
    const ck = { checkpointRoot: run?.checkpointDir(), resume: o.resume };
    let results: ProtocolFoldResult[];
    if (inGroup()) {
      // under kensa launch: each rank trains its share of the folds, results gathered over the process group
      if (o.workers > 1) throw new OptionError('--workers', 'under kensa launch the ranks share the folds; give --workers 1');
      results = await spreadOverRanks(jobs.length, (i) => runFold(data, jobs[i].spec, fo, jobs[i].keep, ck, (l) => ctx.log(l)), (i, r) => report(r, specs[i].id));
    } else if (o.workers > 1) {
      results = await runFoldsInWorkers(jobs, { workers: o.workers, options: fo, blocks, seeds, ...ck, log: (l) => ctx.log(l), onResult: (i, r) => report(r, specs[i].id) });
    } else {
      results = [];
      for (const job of jobs) {
        const r = await runFold(data, job.spec, fo, job.keep, ck, (l) => ctx.log(l));
        report(r, job.spec.id);
        results.push(r);
      }
    }
    bar.done();
    if (run && o.figures) {
      for (const r of results.filter((x, i) => jobs[i].keep.embeddings)) await embeddingFigures(run, r, r.knownClasses, seeds[0]);
      for (const cls of holdOut) await rocFigure(run, results.filter((x, i) => jobs[i].keep.roc && x.unknownClass === cls));
    }
    const summary = summarize(results, heads);
    const intervals = Object.fromEntries(heads.map((h) => [h, headIntervals(results, h, SCORE_NAMES, INTERVALS)]));
    const paired = pairedComparison(results, SCORE_NAMES, INTERVALS);
    const foldsPerHead = blocks.length * seeds.length * holdOut.length;
    const protocol = `${blocks.length} test block${blocks.length === 1 ? '' : 's'} × ${seeds.length} seed${seeds.length === 1 ? '' : 's'} × ${holdOut.length} held-out class${holdOut.length === 1 ? '' : 'es'} = ${foldsPerHead} fold${foldsPerHead === 1 ? '' : 's'} per head`;
    const json = {
      convention: `unknown = positive class; higher score = more unknown; AUROC/AUPR/FPR95 on tiles (known test tiles vs the held-out class's tiles: ${o.unknownImages === 'all' ? 'every one' : 'those of its test block'}), imageAuroc on the mean tile score per image`,
      classes,
      heldOut: holdOut,
      protocol: { testBlocks: blocks, blockCount: testBlockCount(o), seeds, unknownImages: o.unknownImages, foldsPerHead, interval: intervalMethod(INTERVALS), note: 'folds share training images, so intervals describe the spread over these folds, not over independent datasets' },
      tiles: { count: all.count, tileSize: o.tileSize, downsample: o.downsample, stored: all.size },
      heads: summary,
      intervals,
      paired,
      folds: results.map((r) => ({ head: r.head, testBlock: r.testBlock, seed: r.seed, unknownClass: r.unknownClass, closedSetTileAccuracy: r.closedSetTileAccuracy, closedSetImageAccuracy: r.closedSetImageAccuracy, knownClasses: r.knownClasses, confusion: r.confusion, scores: withoutRoc(r.scores), trainSeconds: r.trainSeconds, epochs: r.epochs })),
    };
    await run?.writeMetrics(json);
    const text = [
      ...heads.map((h) => `${h}: closed-set tiles ${withInterval(intervals[h].closedSetTileAccuracy)}, images ${withInterval(intervals[h].closedSetImageAccuracy)}; AUROC ${SCORE_NAMES.map((n) => `${n} ${withInterval(intervals[h].auroc[n])}`).join(', ')}`),
      ...(paired.length ? ['paired AUROC difference vs softmax (mean [95 % interval]):', ...paired.map((p) => `  ${p.head} · ${p.score} − softmax · ${p.baseline}: ${withInterval(p.difference)} (won ${p.difference.wins}, lost ${p.difference.losses})`)] : []),
      `(${protocol}; intervals: ${intervalMethod(INTERVALS)})`,
    ].join('\n');
    return { json, text, summary: opensetSummary({ heads, scores: SCORE_NAMES, intervals, paired, protocol, interval: intervalMethod(INTERVALS), figures: run ? await run.figures.list() : [] }) };
  },
});

/** The data, net and training options a fold needs (plain data for the workers). */
function pick(o: MetricOpensetEvalOptions): MetricDataOptions & MetricNetOptions {
  const keys = [...Object.keys(METRIC_DATA_SPECS), ...Object.keys(METRIC_NET_SPECS)] as (keyof (MetricDataOptions & MetricNetOptions))[];
  return Object.fromEntries(keys.map((k) => [k, o[k]])) as unknown as MetricDataOptions & MetricNetOptions;
}

/** --test-blocks as 0-based block indices ('' = --test-block, −1 = the last). */
export function parseTestBlocks(o: Pick<MetricOpensetEvalOptions, 'testBlocks' | 'testBlock' | 'testFraction' | 'split'>): number[] {
  const n = testBlockCount(o);
  if (o.testBlocks === '') {
    if (o.testBlock >= n) throw new OptionError('--test-block', `must be in [0, ${n - 1}] (${n} test-sized blocks), got ${o.testBlock}`);
    return [o.testBlock < 0 ? n - 1 : o.testBlock];
  }
  if (o.split !== 'contiguous') throw new OptionError('--test-blocks', 'applies to --split contiguous only');
  if (o.testBlocks === 'all') return Array.from({ length: n }, (_, i) => i);
  const v = o.testBlocks.split(',').map((s) => s.trim());
  const out = v.map(Number);
  if (v.some((s, i) => !/^\d+$/.test(s) || out[i] >= n)) throw new OptionError('--test-blocks', `expected 'all' or block numbers in [0, ${n - 1}] (${n} test-sized blocks), got '${o.testBlocks}'`);
  if (new Set(out).size !== out.length) throw new OptionError('--test-blocks', `lists a block twice: '${o.testBlocks}'`);
  return out;
}

/** --seeds: a count N gives base … base + N − 1; a comma list gives those seeds. */
export function parseSeeds(text: string, base: number): number[] {
  const t = text.trim();
  if (/^\d+$/.test(t)) {
    const n = Number(t);
    if (n < 1) throw new OptionError('--seeds', `a count must be at least 1, got ${t}`);
    return Array.from({ length: n }, (_, i) => base + i);
  }
  const v = t.split(',').map((s) => s.trim());
  if (v.length < 2 || v.some((s) => !/^\d+$/.test(s))) throw new OptionError('--seeds', `expected a count N or a comma list of non-negative integer seeds, got '${text}'`);
  const out = v.map(Number);
  if (new Set(out).size !== out.length) throw new OptionError('--seeds', `lists a seed twice: '${text}'`);
  return out;
}

interface HeadSummary {
  closedSetTileAccuracy: number;
  closedSetImageAccuracy: number;
  /** Mean over folds, per score. */
  auroc: Record<string, number>;
  closedSetTileAccuracyStats: { mean: number; sd: number };
  closedSetImageAccuracyStats: { mean: number; sd: number };
  /** Mean ± sd over folds of every statistic, per score. */
  stats: Record<string, Record<(typeof STATS)[number], { mean: number; sd: number }>>;
}

function summarize(results: FoldHeadResult[], heads: string[]): Record<string, HeadSummary> {
  const out: Record<string, HeadSummary> = {};
  for (const h of heads) {
    const rs = results.filter((r) => r.head === h);
    const tile = meanSd(rs.map((r) => r.closedSetTileAccuracy));
    const img = meanSd(rs.map((r) => r.closedSetImageAccuracy));
    const stats: HeadSummary['stats'] = {};
    const auroc: Record<string, number> = {};
    for (const s of SCORE_NAMES) {
      stats[s] = Object.fromEntries(STATS.map((k) => [k, meanSd(rs.map((r) => r.scores[s][k]))])) as HeadSummary['stats'][string];
      auroc[s] = stats[s].auroc.mean;
    }
    out[h] = { closedSetTileAccuracy: tile.mean, closedSetImageAccuracy: img.mean, auroc, closedSetTileAccuracyStats: tile, closedSetImageAccuracyStats: img, stats };
  }
  return out;
}

/** Scores without their ROC points (the figures hold those; metrics.json stays readable). */
function withoutRoc(scores: FoldHeadResult['scores']): Record<string, Omit<FoldHeadResult['scores'][string], 'roc'>> {
  return Object.fromEntries(Object.entries(scores).map(([k, { roc: _roc, ...rest }]) => [k, rest]));
}
