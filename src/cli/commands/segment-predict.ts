// kensa segment-predict: applies a segment-train model to an image or a folder by sliding-window
// prediction (windows overlapping, Gaussian or uniform blending), writes label maps, foreground
// probabilities and overlays, and with --masks the Dice of each image and of the set (pooled,
// present or per-image mean, headed by the model's --select-by); the report shows contours of
// prediction (and truth) over the first images.
import { mkdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { defineCommand } from '../command.js';
import { fileStem, loadImage } from '../../data/index.js';
import { writePng } from '../../io/index.js';
import { parseMaskValues } from '../../methods/segmentation/mask-values.js';
import { SUBSETS, loadSegmenter, parseWhich, readSegmenterMeta, splitNames, storedSelectBy } from '../../methods/segmentation/model-store.js';
import { predictImage } from '../../methods/segmentation/predict.js';
import { SELECT_BY, imageDice, imageDiceCounts, setDice, type ImageDice, type SelectBy } from '../../methods/segmentation/set-dice.js';
import { checkSameSize, imageFiles, masksFor, readMask } from '../../methods/segmentation/seg-data.js';
import type { Blend } from '../../methods/segmentation/sliding-window.js';
import { labelMapRaster } from '../../report/figures/label-map.js';
import { OptionError } from '../../util/errors.js';
import { GALLERY_LIMIT, type ReportSummary } from '../../report/summary.js';
import { SEG_MASK_SPECS, SEG_WINDOW_SPECS, classText, contourFigure, diceFacts, f3, safeName, type SegMaskCliOptions, type SegWindowCliOptions } from './segment-train.js';
import { SHARD_SPEC, parseShard, shardFiles } from '../../distributed/shard.js';

export interface SegmentPredictOptions extends SegMaskCliOptions, SegWindowCliOptions {
  /** R/N: only part R of N of the inputs. @default all */ shard?: string;
  /** segment-train run folder. (required) */ model: string;
  /** Mask folder: Dice per image. @default none */ masks?: string;
  /** --mask-values of the masks; '' = the model's. @default '' */ maskValues: string;
  /** 'best', 'last' or an epoch. @default 'best' */ weights: string;
  /** Contour figures in the report for the first N images. @default 4 */ figures: number;
  /** Only the images of this part of the model's split.json: all, train, val or test. @default 'all' */ subset: string;
  /** Only the first N images (name order). @default all */ limit?: number;
  /** Set Dice heading the summary: 'pooled', 'present' or 'mean'; '' = the model's --select-by. @default '' */ selectBy: string;
}

export const segmentPredictCommand = defineCommand<SegmentPredictOptions>({
  name: 'segment-predict',
  summary: 'segment images with a segment-train model (sliding windows), label maps, overlays, Dice with --masks',
  positionals: [{ name: 'IMAGE|DIR', description: 'an image, or a folder of images' }],
  writesRun: true,
  options: {
    model: { kind: 'string', description: 'run folder written by kensa segment-train', required: true, placeholder: 'RUN' },
    masks: { kind: 'string', description: 'folder of ground-truth masks named like the images: Dice per image', placeholder: 'DIR' },
    ...SEG_MASK_SPECS,
    maskValues: { kind: 'string', description: "stored mask values → classes ('' = as the model was trained)", default: '' },
    ...SEG_WINDOW_SPECS,
    weights: { kind: 'string', description: "weights: best, last or an epoch number", default: 'best' },
    figures: { kind: 'integer', description: 'contour figures in the report for the first N images', default: 4, min: 0 },
    subset: { kind: 'string', description: "only the images the model's split.json puts in this part (e.g. test)", default: 'all', choices: SUBSETS },
    limit: { kind: 'integer', description: 'only the first N images (name order)', min: 1 },
    shard: SHARD_SPEC,
    selectBy: { kind: 'string', description: "Dice of the set that heads the summary: 'pooled' (all pixels together), 'present' (mean over the images holding the structure), 'mean' (per-image mean); '' = the one the model chose its best epoch by", default: '', choices: ['', ...SELECT_BY] },
  },
  async run(o, args, ctx) {
    if (o.out === undefined) throw new OptionError('--out', 'is required (labels, overlays and the report go there)');
    const meta = readSegmenterMeta(o.model);
    const selectBy = (o.selectBy || storedSelectBy(meta)) as SelectBy;
    const which = parseWhich(o.weights);
    const only = splitNames(o.model, o.subset);
    let images = imageFiles(args[0]).filter((p) => !only || only.has(basename(p)));
    if (images.length === 0) throw new OptionError('--subset', `no image of ${args[0]} is in the model's ${o.subset} split`);
    if (o.limit !== undefined) images = images.slice(0, o.limit);
    images = shardFiles(images, parseShard(o.shard));
    if (images.length === 0) throw new OptionError('--shard', `part ${o.shard} of ${args[0]} holds no image`);
    const masks = o.masks ? masksFor(images, o.masks, o.maskSuffix) : undefined;
    const read = { maskValues: parseMaskValues(o.maskValues || meta.maskValues), classes: meta.classes };
    const multiple = 2 ** (meta.unet.widths.length - 1);
    const window = o.window || meta.window;
    if (window % multiple !== 0) throw new OptionError('--window', `must be a multiple of 2^(depth-1) = ${multiple}, got ${window}`);
    const wopts = { window, overlap: o.overlap >= 0 ? o.overlap : meta.overlap, blend: (o.blend || meta.blend) as Blend, device: o.device };
    // masks are checked (values, sizes) before anything is written
    if (masks) {
      for (const [i, m] of masks.entries()) {
        const [img, mask] = await Promise.all([loadImage(images[i], { channels: meta.channels }), readMask(m, read)]);
        checkSameSize(img, images[i], mask, m);
      }
    }
    const seg = loadSegmenter(o.model, which, o.device);
    const run = ctx.run()!;
    for (const d of ['labels', 'probability', 'overlays']) mkdirSync(run.path(d), { recursive: true });
    const bar = ctx.progress({ label: 'segment-predict', total: images.length, unit: 'images' });
    const per: ({ image: string; foreground: number; ms: number } & Partial<Omit<ImageDice, 'image'>>)[] = [];
    const stems: string[] = [];
    for (const [i, path] of images.entries()) {
      const t0 = Date.now();
      const raw = await loadImage(path, { channels: meta.channels });
      if (raw.channels !== meta.unet.inChannels) throw new OptionError('IMAGE', `${path} has ${raw.channels} channels, the model takes ${meta.unet.inChannels}`);
      const p = predictImage({ unet: seg.unet, classes: meta.classes, norm: meta.norm, multiple: seg.multiple }, raw, wopts);
      const ms = Date.now() - t0;
      const stem = safeName(fileStem(basename(path)));
      stems.push(stem);
      const { width, height } = p;
      await writePng(join(run.path('labels'), `${stem}.png`), { width, height, channels: 1, bitDepth: 8, data: p.labels });
      const fgProb = meta.classes === 2 ? p.probs : p.probs.subarray(width * height); // binary: foreground; else class 1
      await writePng(join(run.path('probability'), `${stem}.png`), { width, height, channels: 1, bitDepth: 8, data: Uint8Array.from(fgProb.subarray(0, width * height), (v) => Math.round(v * 255)) });
      const grey = { width, height, channels: 1, data: raw.data.subarray(0, width * height) };
      const overlay = labelMapRaster({ width, height, channels: 1, data: p.labels }, grey, { alpha: 0.4 });
      await writePng(join(run.path('overlays'), `${stem}.png`), { width, height, channels: 3, bitDepth: 8, data: overlay.data as Uint8Array });
      const entry: (typeof per)[number] = { image: path, foreground: p.labels.reduce((a, v) => a + (v > 0 ? 1 : 0), 0) / p.labels.length, ms };
      const mask = masks ? await readMask(masks[i], read) : undefined;
      if (mask) Object.assign(entry, imageDice(path, imageDiceCounts(p.labels, mask.data, meta.classes)), { image: path });
      if (i < o.figures) {
        const caption = `${basename(path)}: ${mask ? `ground truth (green) and prediction (red), Dice ${entry.dice!.toFixed(3)}` : 'prediction'}; window ${window}, overlap ${wopts.overlap}, ${wopts.blend} blending`;
        await contourFigure(run, `prediction-${stem}`, { image: raw, mask }, p.labels, caption);
      }
      run.log(`${path}: foreground ${(entry.foreground * 100).toFixed(1)} %${entry.dice !== undefined ? `, Dice ${entry.dice.toFixed(4)}` : ''}, ${ms} ms`);
      per.push(entry);
      bar.tick(1, entry.dice !== undefined ? `Dice ${entry.dice.toFixed(3)}` : '');
    }
    bar.done();
    seg.dispose();
    const measured = per.filter((p) => p.counts !== undefined).map((p) => imageDice(p.image, p.counts!));
    const dices = measured.length ? setDice(measured, selectBy) : undefined;
    const result = {
      model: resolve(o.model),
      weightsEpoch: seg.epoch,
      window: wopts.window,
      overlap: wopts.overlap,
      blend: wopts.blend,
      images: per,
      ...(dices ? { selectBy, dice: dices.dice, meanDice: dices.meanDice, pooledDice: dices.pooledDice, presentDice: dices.presentDice, presentImages: dices.presentImages } : {}),
      ...(dices?.meanClassDice ? { meanClassDice: dices.meanClassDice, pooledClassDice: dices.pooledClassDice, presentClassDice: dices.presentClassDice } : {}),
      labelDir: resolve(run.path('labels')),
    };
    const text = `segment-predict: ${per.length} image(s)` + (dices ? `, Dice ${f3(dices.dice)} (${selectBy}; per-image mean ${dices.meanDice.toFixed(3)})` : '') + `; labels in ${result.labelDir}`;
    const meanMs = per.reduce((a, p) => a + p.ms, 0) / per.length;
    const summary: ReportSummary = {
      verdict: `${per.length} image${per.length === 1 ? '' : 's'} segmented with the epoch ${seg.epoch} weights` + (dices ? `, Dice ${f3(dices.dice)} (${selectBy}) against the masks.` : '.'),
      facts: [
        { label: 'Images', value: per.length },
        ...(dices ? diceFacts('Dice', dices, 'with masks') : []),
        ...(dices?.meanClassDice ? [{ label: 'Dice per class', value: classText(dices, ' / '), note: `classes 1..${meta.classes - 1}, ${selectBy}` }] : []),
        { label: 'Time per image', value: `${(meanMs / 1000).toFixed(2)} s` },
        { label: 'Window', value: `${wopts.window} px`, note: `overlap ${wopts.overlap}, ${wopts.blend} blending` },
      ],
      galleries: [{
        caption: 'Prediction overlays (click for full size; labels/ holds the label maps)',
        columns: 4,
        items: stems.slice(0, GALLERY_LIMIT).map((stem, i) => ({ title: per[i].dice !== undefined ? `${stem}: Dice ${per[i].dice!.toFixed(3)}` : stem, images: [{ file: `overlays/${stem}.png` }] })),
      }],
    };
    return { json: result, text, summary };
  },
});
