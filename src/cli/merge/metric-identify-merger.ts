// Merging `kensa metric identify --shard R/N` runs: the verdicts in the unsharded order, the
// unknown count over every image, the per-tile figures renumbered (tiles-<image number>).
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { InputError } from '../../util/errors.js';
import type { ReportSummary } from '../../report/summary.js';
import type { StoredModel } from '../../methods/metric-learning/model-store.js';
import type { ImageVerdict } from '../../methods/metric-learning/verdict.js';
import { readFigure, listOf, sameAcross, type ShardMerger } from './merger.js';
import { interleave } from './shard-runs.js';

type Verdict = ImageVerdict & { path: string };
interface IdentifyJson { score: string; threshold: number; convention: string; images: Verdict[] }

/** Rows of the verdict table in the report summary (as metric identify). */
const SUMMARY_ROWS = 100;

export const metricIdentifyMerger: ShardMerger = {
  command: 'metric identify',
  async merge(runs, ctx) {
    const json = runs.map((r) => r.metrics as IdentifyJson);
    sameAcross(runs, 'score and threshold', (r) => [(r.metrics as IdentifyJson).score, (r.metrics as IdentifyJson).threshold]);
    const order = interleave(runs, json.map((j, i) => listOf<Verdict>(runs[i], j.images, 'images')), (v) => resolve(v.path));
    const images = order.map((o) => o.item);
    // the report names the model's classes, calibration rate and aggregation: read from its model.json
    const modelDir = String(runs[0].config.options.model);
    const mj = join(modelDir, 'model.json');
    if (!existsSync(mj)) throw new InputError(mj, 'missing: merge-shards reads the model the shards used (its --model folder) for the report');
    const meta = JSON.parse(readFileSync(mj, 'utf8')) as StoredModel;
    const figures = [];
    for (const { part, local } of order) figures.push(await readFigure(runs[part], `tiles-${local + 1}`));
    const out = ctx.run()!;
    const figureFiles: string[] = [];
    for (const [g, f] of figures.entries()) if (f) figureFiles[g] = (await out.figures.addFigure(`tiles-${g + 1}`, f.svg, { caption: f.caption, kind: f.kind })).file;
    const { score: scoreName, threshold, convention } = json[0];
    const result = { score: scoreName, threshold, convention, images };
    const unknown = images.filter((v) => v.classIndex < 0).length;
    const rows = images.slice(0, SUMMARY_ROWS);
    const summary: ReportSummary = {
      verdict: `${images.length} image${images.length === 1 ? '' : 's'}: ${unknown} unknown, ${images.length - unknown} of a known class (${scoreName} threshold ${threshold.toPrecision(4)}, set at ${meta.tpr * 100} % of validation known tiles; ${runs.length} shards merged).`,
      tables: [{
        caption: `Verdict per image${images.length > rows.length ? ` (first ${rows.length} of ${images.length}; all in metrics.json)` : ''}`,
        columns: ['image', 'verdict', 'closed-set class', `tiles above the threshold`, 'tiles', meta.aggregate === 'vote' || !meta.aggregate ? 'score (flagged fraction)' : `score (${meta.aggregate})`],
        rows: rows.map((v) => ({ label: basename(v.path), cells: [v.verdict, meta.classes[v.predictedClass] ?? String(v.predictedClass), `${(v.unknownFraction * 100).toFixed(0)} %`, v.tiles, Number(v.score.toPrecision(4))] })),
      }],
      galleries: figureFiles.length > 0 ? [{
        caption: `${scoreName} per tile over each image (JET scale: red = high score = more unknown)`,
        columns: 3,
        side: 320,
        items: images.flatMap((v, im) => (figureFiles[im] ? [{ title: `${basename(v.path)}: ${v.verdict}`, images: [{ file: figureFiles[im] }] }] : [])),
      }] : [],
    };
    return { json: result, summary, text: images.map((v) => `${v.path}\t${v.verdict}`).join('\n') };
  },
};
