// Merging `kensa classify predict --shard R/N` runs: predictions.json / .csv in the unsharded order,
// the per-class counts over every file, previews renumbered.
import { basename, join, resolve } from 'node:path';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { GALLERY_LIMIT, type ReportSummary } from '../../report/summary.js';
import type { FilePrediction } from '../commands/classify-predict.js';
import { OutputCopies, listOf, sameAcross, type ShardMerger } from './merger.js';
import { interleave } from './shard-runs.js';

const classesOf = (p: FilePrediction[]): string[] => Object.keys(p[0]?.probabilities ?? {});

export const classifyPredictMerger: ShardMerger = {
  command: 'classify predict',
  async merge(runs, ctx) {
    const lists = runs.map((r) => listOf<FilePrediction>(r, r.metrics, 'predictions'));
    sameAcross(runs, 'classes', (r) => classesOf(r.metrics as FilePrediction[]));
    const order = interleave(runs, lists, (p) => resolve(p.path));
    const preds = order.map((o) => o.item);
    const classes = classesOf(preds);
    const copies = new OutputCopies();
    for (const [g, { part, local }] of order.entries()) {
      if (g < GALLERY_LIMIT) copies.add(runs[part], join('previews', `${local}.png`), join('previews', `${g}.png`), true);
    }
    const out = ctx.run()!;
    await copies.write(out);
    const header = ['path', 'predicted', ...classes.map((k) => `p_${k}`)].join(',');
    const rows = preds.map((p) => [JSON.stringify(p.path), p.predicted, ...classes.map((k) => p.probabilities[k].toFixed(6))].join(','));
    await out.writeJson('predictions.json', preds);
    await writeFileAtomic(out.path('predictions.csv'), `${header}\n${rows.join('\n')}\n`);
    const counts = classes.map((k) => preds.filter((p) => p.predicted === k).length);
    const summary: ReportSummary = {
      verdict: `${preds.length} file${preds.length === 1 ? '' : 's'} classified: ${classes.map((k, j) => `${counts[j]} ${k}`).join(', ')}${preds.some((p) => p.perSlice) ? ' (volumes: mean probability over their slices)' : ''} (${runs.length} shards merged).`,
      facts: [...classes.map((k, j) => ({ label: `Predicted ${k}`, value: counts[j] })), { label: 'Shards', value: runs.length }],
      tables: [{
        caption: `Prediction per file${preds.length > GALLERY_LIMIT ? ` (first ${GALLERY_LIMIT} of ${preds.length}; all in predictions.csv)` : ''}`,
        columns: ['file', 'predicted', ...classes.map((k) => `p(${k})`)],
        rows: preds.slice(0, GALLERY_LIMIT).map((p) => ({ label: basename(p.path), cells: [p.predicted, ...classes.map((k) => Number(p.probabilities[k].toFixed(4)))] })),
      }],
      galleries: [{
        caption: 'Input (the middle slice of a volume) and its predicted class',
        columns: 6,
        items: preds.slice(0, GALLERY_LIMIT).map((p, i) => ({ title: `${basename(p.path)}: ${p.predicted} ${(p.probabilities[p.predicted] * 100).toFixed(0)} %`, images: [{ file: join('previews', `${i}.png`) }] })),
      }],
    };
    return { json: preds, summary, text: preds.map((p) => `${p.path}: ${p.predicted} (${(p.probabilities[p.predicted] * 100).toFixed(1)} %)`).join('\n') };
  },
};
