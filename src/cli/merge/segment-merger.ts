// Merging `kensa segment DIR --shard R/N` runs: label PNGs, overlays, previews, live frames and
// per-image records under their unsharded names; the curves of the first images and the means over
// every image recomputed; a reference training (the same in every shard) taken from part 0.
import { readFileSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { InputError } from '../../util/errors.js';
import { lineCurves, type CurveSeries } from '../../report/figures/line-curves.js';
import { GALLERY_LIMIT, type ReportSummary } from '../../report/summary.js';
import { OutputCopies, listOf, mean, sameAcross, type ShardMerger } from './merger.js';
import { interleave, type ShardRun } from './shard-runs.js';

interface PerImage { image: string; iterations: number; labels: number; ms: number; skipped?: boolean }
interface SegmentJson { method: string; mode: string; images: PerImage[]; reference?: { images: number; updates: number; ms: number; weights: string }; ms: number }
interface Histories { lossHistory?: number[]; labelCountHistory?: number[] }

const curve = (name: string, y: number[]): CurveSeries => ({ name, x: y.map((_, i) => i + 1), y });

function readHistories(run: ShardRun, rel: string): Histories | undefined {
  const path = join(run.dir, rel);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Histories;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InputError(path, `is not valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
}

export const segmentMerger: ShardMerger = {
  command: 'segment',
  async merge(runs, ctx) {
    const json = runs.map((r) => r.metrics as SegmentJson);
    sameAcross(runs, 'method / mode', (r) => [(r.metrics as SegmentJson).method, (r.metrics as SegmentJson).mode]);
    sameAcross(runs, 'reference training', (r) => ((r.metrics as SegmentJson).reference ? [(r.metrics as SegmentJson).reference!.images, (r.metrics as SegmentJson).reference!.updates] : null));
    const order = interleave(runs, json.map((j, i) => listOf<PerImage>(runs[i], j.images, 'images')), (p) => resolve(p.image));
    // segment names outputs by file stem (a counter only where stems repeat, which depends on the shard's own list)
    const names = order.map(({ item }) => basename(item.image, extname(item.image)));
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup !== undefined) throw new InputError(runs[0].dir, `two inputs share the file stem '${dup}': their sharded outputs cannot be renamed to the unsharded ones`);
    const copies = new OutputCopies();
    const lossSeries: CurveSeries[] = [];
    const countSeries: CurveSeries[] = [];
    if (json[0].reference) {
      copies.add(runs[0], join('checkpoints', 'reference.safetensors'), undefined, true).add(runs[0], join('checkpoints', 'reference.json'), undefined, true);
      const ref = readHistories(runs[0], join('checkpoints', 'reference.json'));
      if (ref?.lossHistory && ref.labelCountHistory) {
        lossSeries.push(curve('reference training', ref.lossHistory));
        countSeries.push(curve('reference training', ref.labelCountHistory));
      }
    }
    for (const [g, { part }] of order.entries()) {
      const name = names[g];
      const run = runs[part];
      copies.add(run, join('labels', `${name}.png`)).add(run, join('overlays', `${name}.png`));
      copies.add(run, join('previews', `${name}.png`), undefined, true).add(run, join('live', `${name}.rgba`), undefined, true).add(run, join('images', `${name}.json`), undefined, true);
      const o = (readHistories(run, join('images', `${name}.json`)) as { outcome?: Histories } | undefined)?.outcome;
      if (o?.lossHistory && o.labelCountHistory && lossSeries.length < 12) {
        lossSeries.push(curve(name, o.lossHistory));
        countSeries.push(curve(name, o.labelCountHistory));
      }
    }
    const out = ctx.run()!;
    await copies.write(out);
    if (lossSeries.length > 0) {
      await out.figures.add(lineCurves, 'loss', { series: lossSeries }, { xTitle: 'iteration', yTitle: 'loss' }, 'Loss per iteration (similarity + continuity [+ scribble])');
      await out.figures.add(lineCurves, 'label-count', { series: countSeries }, { xTitle: 'iteration', yTitle: 'distinct labels', logY: true }, 'Distinct argmax labels per iteration');
    }
    const reference = json[0].reference ? { ...json[0].reference, weights: out.path('checkpoints', 'reference.safetensors') } : undefined;
    const perImage = order.map(({ item }) => item);
    const done = perImage.filter((p) => !p.skipped);
    const its = done.reduce((a, p) => a + p.iterations, 0);
    const { method, mode } = json[0];
    const result = {
      method,
      mode,
      images: perImage,
      reference,
      labelDir: resolve(out.path('labels')),
      meanMsPerIteration: its === 0 ? null : done.reduce((a, p) => a + p.ms, 0) / its,
      // the shards' times added: compute spent, not wall time
      ms: json.reduce((a, j) => a + j.ms, 0),
      shards: runs.map((r) => r.dir),
    };
    const labels = mean(done.map((p) => p.labels));
    const summary: ReportSummary = {
      verdict: `${done.length} image${done.length === 1 ? '' : 's'} segmented by ${mode === 'baseline' ? `the ${method} baseline` : mode === 'reference-apply' ? 'a reference-trained network' : 'differentiable feature clustering'}${mode === 'scribble' ? ' with scribbles' : ''}, ${labels.toFixed(1)} labels on average (${runs.length} shards merged).`,
      facts: [
        { label: 'Images', value: done.length, note: perImage.length > done.length ? `${perImage.length - done.length} already done (--resume)` : undefined },
        { label: 'Mean labels', value: Number(labels.toFixed(2)) },
        { label: 'Time per image', value: `${(mean(done.map((p) => p.ms)) / 1000).toFixed(1)} s` },
        ...(result.meanMsPerIteration !== null ? [{ label: 'Time per iteration', value: `${result.meanMsPerIteration.toFixed(0)} ms` }] : []),
        ...(reference ? [{ label: 'Reference training', value: `${reference.updates} updates on ${reference.images} images` }] : []),
        { label: 'Shards', value: runs.length },
      ],
      galleries: [{
        caption: 'Each image and its label map (click for full size; labels/ holds the label PNGs)',
        columns: 4,
        items: perImage.flatMap((p, i) => (!p.skipped && i < GALLERY_LIMIT ? [{ title: `${names[i]}: ${p.labels} labels`, images: [{ file: `previews/${names[i]}.png` }, { file: `overlays/${names[i]}.png` }] }] : [])),
      }],
    };
    const text = `merge-shards: ${done.length} image(s) of ${runs.length} segment shards, mean ${labels.toFixed(1)} labels, labels in ${result.labelDir}`;
    return { json: result, text, summary };
  },
};
