// Merging `kensa segment-predict --shard R/N` runs: label maps, probabilities, overlays and the
// first images' contour figures under their unsharded names; the set's Dice (pooled, present,
// per-image mean, per class) recomputed from every image's pixel counts, not averaged over the
// shards' values.
import { basename, join, resolve } from 'node:path';
import { fileStem } from '../../data/index.js';
import { GALLERY_LIMIT, type ReportSummary } from '../../report/summary.js';
import { imageDice, setDice, type ImageDice, type SelectBy } from '../../methods/segmentation/set-dice.js';
import { classText, diceFacts, f3, safeName } from '../commands/segment-train.js';
import { OutputCopies, listOf, mean, readFigure, sameAcross, type ShardMerger } from './merger.js';
import { interleave } from './shard-runs.js';

type PerImage = { image: string; foreground: number; ms: number } & Partial<Omit<ImageDice, 'image'>>;
interface PredictJson { model: string; weightsEpoch: number; window: number; overlap: number; blend: string; images: PerImage[]; selectBy?: SelectBy }

export const segmentPredictMerger: ShardMerger = {
  command: 'segment-predict',
  async merge(runs, ctx) {
    const json = runs.map((r) => r.metrics as PredictJson);
    sameAcross(runs, 'model, weights epoch and windows', (r) => {
      const j = r.metrics as PredictJson;
      return [j.model, j.weightsEpoch, j.window, j.overlap, j.blend];
    });
    const order = interleave(runs, json.map((j, i) => listOf<PerImage>(runs[i], j.images, 'images')), (p) => resolve(p.image));
    const per = order.map((o) => o.item);
    const stems = per.map((p) => safeName(fileStem(basename(p.image))));
    const copies = new OutputCopies();
    const figures = [];
    const shown = Number(runs[0].config.options.figures ?? 0); // the first --figures images have contour figures
    for (const [g, { part }] of order.entries()) {
      for (const d of ['labels', 'probability', 'overlays']) copies.add(runs[part], join(d, `${stems[g]}.png`));
      const name = safeName(`prediction-${stems[g]}`);
      if (g < shown) figures.push({ name, figure: await readFigure(runs[part], name) });
    }
    const out = ctx.run()!;
    await copies.write(out);
    for (const { name, figure } of figures) if (figure) await out.figures.addFigure(name, figure.svg, { caption: figure.caption, kind: figure.kind });
    const measured = per.filter((p) => p.counts !== undefined).map((p) => imageDice(p.image, p.counts!));
    const selectBy = json.find((j) => j.selectBy)?.selectBy;
    const dices = measured.length && selectBy ? setDice(measured, selectBy) : undefined;
    const classes = measured.length ? measured[0].counts.length + 1 : 2; // K − 1 foreground classes counted
    const { model, weightsEpoch, window, overlap, blend } = json[0];
    const result = {
      model, weightsEpoch, window, overlap, blend,
      images: per,
      ...(dices ? { selectBy, dice: dices.dice, meanDice: dices.meanDice, pooledDice: dices.pooledDice, presentDice: dices.presentDice, presentImages: dices.presentImages } : {}),
      ...(dices?.meanClassDice ? { meanClassDice: dices.meanClassDice, pooledClassDice: dices.pooledClassDice, presentClassDice: dices.presentClassDice } : {}),
      labelDir: resolve(out.path('labels')),
      shards: runs.map((r) => r.dir),
    };
    const summary: ReportSummary = {
      verdict: `${per.length} image${per.length === 1 ? '' : 's'} segmented with the epoch ${weightsEpoch} weights` + (dices ? `, Dice ${f3(dices.dice)} (${selectBy}) against the masks` : '') + ` (${runs.length} shards merged).`,
      facts: [
        { label: 'Images', value: per.length },
        ...(dices ? diceFacts('Dice', dices, 'with masks') : []),
        ...(dices?.meanClassDice ? [{ label: 'Dice per class', value: classText(dices, ' / '), note: `classes 1..${classes - 1}, ${selectBy}` }] : []),
        { label: 'Time per image', value: `${(mean(per.map((p) => p.ms)) / 1000).toFixed(2)} s` },
        { label: 'Window', value: `${window} px`, note: `overlap ${overlap}, ${blend} blending` },
        { label: 'Shards', value: runs.length },
      ],
      galleries: [{
        caption: 'Prediction overlays (click for full size; labels/ holds the label maps)',
        columns: 4,
        items: stems.slice(0, GALLERY_LIMIT).map((stem, i) => ({ title: per[i].dice !== undefined ? `${stem}: Dice ${per[i].dice!.toFixed(3)}` : stem, images: [{ file: `overlays/${stem}.png` }] })),
      }],
    };
    const text = `merge-shards: ${per.length} image(s) of ${runs.length} segment-predict shards` + (dices ? `, Dice ${f3(dices.dice)} (${selectBy}; per-image mean ${dices.meanDice.toFixed(3)})` : '') + `; labels in ${result.labelDir}`;
    return { json: result, text, summary };
  },
};
