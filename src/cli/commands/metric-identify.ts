// kensa metric identify: per-image verdict ("class X" or "unknown") from a trained model, with a
// per-tile map of the unknown score over each image.
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { defineCommand } from '../command.js';
import { classFolderDataset, IMAGE_EXTENSIONS, loadImage, tileMap } from '../../data/index.js';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { loadModel } from '../../methods/metric-learning/model-store.js';
import { unknownScore, SCORE_NAMES } from '../../methods/metric-learning/scores/index.js';
import { loadTileSet, tilesOfImages } from '../../methods/metric-learning/tile-data.js';
import { predict, argmaxRows, headLogits } from '../../methods/metric-learning/trainer.js';
import { imageVerdict, type ImageVerdict } from '../../methods/metric-learning/verdict.js';
import type { ReportSummary } from '../../report/summary.js';
import { heatmapOverlay } from '../../report/figures/heatmap-overlay.js';
import { InputError, OptionError } from '../../util/errors.js';
import { SHARD_SPEC, parseShard, shardFiles } from '../../distributed/shard.js';

/** Rows of the verdict table in the report summary. */
const SUMMARY_ROWS = 100;

export interface MetricIdentifyOptions {
  /** R/N: only part R of N of the inputs. @default all */ shard?: string;
  /** Model folder written by `kensa metric train`. (required) */ model: string;
  /** Unknown score; '' = the model's default. @default '' */ score: string;
  /** Per-tile overlay figures (with --out). @default true */ overlays: boolean;
}

async function imagePaths(arg: string): Promise<string[]> {
  let st;
  try {
    st = statSync(arg);
  } catch {
    throw new InputError(arg, 'does not exist');
  }
  if (st.isFile()) return [arg];
  const names = (await readdir(arg)).filter((n) => IMAGE_EXTENSIONS.some((e) => n.toLowerCase().endsWith(e))).sort();
  if (names.length > 0) return names.map((n) => join(arg, n));
  const ds = await classFolderDataset(arg); // a class-folder tree: every image in it
  return ds.items.map((it) => it.path);
}

export const metricIdentifyCommand = defineCommand<MetricIdentifyOptions>({
  name: 'metric identify',
  summary: 'verdict per image (known class or unknown) with a per-tile unknown-score map',
  writesRun: true,
  positionals: [{ name: 'IMAGE|DIR', description: 'an image, a folder of images, or a class-folder tree' }],
  options: {
    model: { kind: 'string', description: 'model folder from `kensa metric train`', required: true, placeholder: 'RUN' },
    score: { kind: 'string', description: "unknown score ('' = the model's default)", default: '', choices: ['', ...SCORE_NAMES] },
    overlays: { kind: 'boolean', description: 'per-tile overlay figures (with --out)', default: true },
    shard: SHARD_SPEC,
  },
  async run(o, args, ctx) {
    const { meta, net, reference } = loadModel(o.model);
    const scoreName = o.score || meta.score;
    const threshold = meta.thresholds[scoreName];
    const paths = shardFiles(await imagePaths(args[0]), parseShard(o.shard));
    if (paths.length === 0) throw new OptionError('--shard', `part ${o.shard} of ${args[0]} holds no image`);
    const set = await loadTileSet(paths.map((path) => ({ path, label: -1 })), meta.tiling);
    const p = predict(net, set, { norm: meta.norm, device: o.device });
    const fn = unknownScore(scoreName).fit({ embeddings: reference.embeddings, logits: headLogits(net, reference.embeddings, o.device), labels: reference.labels, numClasses: meta.classes.length, normalize: net.head.normalizesEmbeddings });
    const scores = fn(p);
    const pred = argmaxRows(p.logits);
    const run = ctx.run();
    const out: (ImageVerdict & { path: string })[] = [];
    const figureFiles: string[] = [];
    for (const [im, tiles] of tilesOfImages(set).entries()) {
      const v = imageVerdict(tiles.map((t) => scores[t]), tiles.map((t) => pred[t]), threshold, meta.classes, { aggregate: meta.aggregate });
      out.push({ path: paths[im], ...v });
      ctx.log(`${paths[im]}: ${v.verdict} (${(v.unknownFraction * 100).toFixed(0)}% of ${v.tiles} tiles above the ${scoreName} threshold)`);
      if (run && o.overlays) {
        const { width, height } = set.imageSizes[im];
        const heat = tileMap(tiles.map((t) => set.tiles[t]), tiles.map((t) => scores[t]), width, height);
        const lo = Math.min(threshold, ...tiles.map((t) => scores[t]));
        for (let i = 0; i < heat.length; i++) if (Number.isNaN(heat[i])) heat[i] = lo;
        const img = await loadImage(paths[im], { channels: 'grey' });
        const fig = await run.figures.add(heatmapOverlay, `tiles-${im + 1}`, { image: { ...img, data: img.data.map((x) => x * 255) }, heat: { width, height, channels: 1, data: heat } }, { title: `${basename(paths[im])}: ${v.verdict}`, colorbarTitle: scoreName, width: 384 }, `${scoreName} per tile (threshold ${threshold.toPrecision(4)}, ${meta.tpr * 100}% of validation known tiles below it)`);
        figureFiles[im] = fig.file;
      }
    }
    net.dispose();
    const json = { score: scoreName, threshold, convention: 'higher score = more unknown; a tile above the threshold is flagged unknown', images: out };
    await run?.writeMetrics(json);
    const unknown = out.filter((v) => v.classIndex < 0).length;
    const rows = out.slice(0, SUMMARY_ROWS);
    const summary: ReportSummary = {
      verdict: `${out.length} image${out.length === 1 ? '' : 's'}: ${unknown} unknown, ${out.length - unknown} of a known class (${scoreName} threshold ${threshold.toPrecision(4)}, set at ${meta.tpr * 100} % of validation known tiles).`,
      tables: [{
        caption: `Verdict per image${out.length > rows.length ? ` (first ${rows.length} of ${out.length}; all in metrics.json)` : ''}`,
        columns: ['image', 'verdict', 'closed-set class', `tiles above the threshold`, 'tiles', meta.aggregate === 'vote' || !meta.aggregate ? 'score (flagged fraction)' : `score (${meta.aggregate})`],
        rows: rows.map((v) => ({ label: basename(v.path), cells: [v.verdict, meta.classes[v.predictedClass] ?? String(v.predictedClass), `${(v.unknownFraction * 100).toFixed(0)} %`, v.tiles, Number(v.score.toPrecision(4))] })),
      }],
      galleries: figureFiles.length > 0 ? [{
        caption: `${scoreName} per tile over each image (JET scale: red = high score = more unknown)`,
        columns: 3,
        side: 320,
        items: out.flatMap((v, im) => (figureFiles[im] ? [{ title: `${basename(v.path)}: ${v.verdict}`, images: [{ file: figureFiles[im] }] }] : [])),
      }] : [],
    };
    return { json, text: out.map((v) => `${v.path}\t${v.verdict}`).join('\n'), summary };
  },
});
