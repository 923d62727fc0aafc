// kensa seg-ability: segmentation-ability maps of a segment-train U-Net (He et al. 2023, arXiv
// 2212.09206): SA per layer and per unit of every block with the ground truth as guide, the share of
// units above a threshold, the best and worst units' maps over an image; and the label-free quality
// estimate (mean output-guided SA of the last layers' units) against the output's true Dice across
// images, spread by degraded copies of the inputs and/or several checkpoints.
import { basename, resolve } from 'node:path';
import { defineCommand } from '../command.js';
import { tensor, tidy } from '../../engine/index.js';
import { Rng, loadImage, type ImageTensorLike } from '../../data/index.js';
import { pearson, spearman } from '../../metrics/correlation.js';
import { degrade, parseDegradations } from '../../methods/seg-ability/degradations.js';
import { activations, imageAbility, prototypeMap, selectLayers, unetLayerNames, unitActivation, type ImageAbility } from '../../methods/seg-ability/segmentation-ability.js';
import { labelFreeEstimate, summarizeLayers, type LayerSummary } from '../../methods/seg-ability/summary.js';
import { parseMaskValues } from '../../methods/segmentation/mask-values.js';
import { SUBSETS, loadSegmenter, parseWhich, readSegmenterMeta, splitNames, type LoadedSegmenter } from '../../methods/segmentation/model-store.js';
import { normalizeImage, readMask, segmentationPairs } from '../../methods/segmentation/seg-data.js';
import { boxPlot } from '../../report/figures/box-plot.js';
import { heatmapOverlayRaster } from '../../report/figures/heatmap-overlay.js';
import { imageGrid } from '../../report/figures/image-grid.js';
import { lineCurves } from '../../report/figures/line-curves.js';
import { maskContours } from '../../report/figures/mask-contours.js';
import { scatterPlot } from '../../report/figures/scatter-plot.js';
import type { ReportSummary } from '../../report/summary.js';
import type { RasterImage } from '../../report/types.js';
import { OptionError } from '../../util/errors.js';
import type { RunFolder } from '../run-folder.js';
import { SEG_MASK_SPECS, safeName, type SegMaskCliOptions } from './segment-train.js';

export interface SegAbilityOptions extends SegMaskCliOptions {
  /** segment-train run folder. (required) */ model: string;
  /** Image folder. (required) */ images: string;
  /** Mask folder. (required) */ masks: string;
  /** --mask-values of the masks; '' = the model's. @default '' */ maskValues: string;
  /** Class whose SA is measured. @default 1 */ class: number;
  /** Layers to analyse (comma-separated block names); '' = every block. @default '' */ layer: string;
  /** A unit is "active" when its mean SA exceeds this. @default 0.5 */ saThreshold: number;
  /** Layers of the label-free estimate; '' = the last two blocks before the head. @default '' */ estimateLayers: string;
  /** Input degradations for the label-free correlation. @default 'none' */ degrade: string;
  /** Weights, comma-separated: best, last or epoch numbers. @default 'best' */ weights: string;
  /** Image (stem) whose unit maps are shown; '' = the first. @default '' */ showImage: string;
  /** Channels per chunk (memory bound). @default 16 */ chunk: number;
  /** Only the images of this part of the model's split.json: all, train, val or test. @default 'all' */ subset: string;
  /** Only the first N images (name order). @default all */ limit?: number;
}

const csv = (s: string): string[] => s.split(',').map((x) => x.trim()).filter((x) => x.length > 0);
const mean = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0) / Math.max(v.length, 1);

export const segAbilityCommand = defineCommand<SegAbilityOptions>({
  name: 'seg-ability',
  summary: 'segmentation-ability maps of a U-Net: SA per layer and unit (prototype segmentation), label-free quality estimate',
  writesRun: true,
  options: {
    model: { kind: 'string', description: 'run folder written by kensa segment-train', required: true, placeholder: 'RUN' },
    images: { kind: 'string', description: 'folder of images', required: true, placeholder: 'DIR' },
    masks: { kind: 'string', description: 'folder of ground-truth masks named like the images', required: true, placeholder: 'DIR' },
    ...SEG_MASK_SPECS,
    maskValues: { kind: 'string', description: "stored mask values → classes ('' = as the model was trained)", default: '' },
    class: { kind: 'integer', description: 'class whose SA is measured (1 = the foreground of a binary model)', default: 1, min: 1 },
    layer: { kind: 'string', description: "blocks to analyse, comma-separated (down0.., dec.., head); '' = every block", default: '' },
    saThreshold: { kind: 'number', description: 'a unit counts as active when its mean SA exceeds this', default: 0.5, min: 0, max: 1 },
    estimateLayers: { kind: 'string', description: "blocks whose units' output-guided SA is averaged for the label-free estimate ('' = the last two before the head)", default: '' },
    degrade: { kind: 'string', description: "input copies for the label-free correlation: none, noise:σ, blur:σ, contrast:c (comma-separated; σ of noise in [0, 1] intensity units, of blur in pixels)", default: 'none' },
    weights: { kind: 'string', description: 'weights, comma-separated: best, last or epoch numbers (several checkpoints spread the true Dice)', default: 'best' },
    showImage: { kind: 'string', description: "image (file stem) whose best and worst units are drawn ('' = the first)", default: '' },
    chunk: { kind: 'integer', description: 'channels upsampled at a time (bounds memory)', default: 16, min: 1 },
    subset: { kind: 'string', description: "only the images the model's split.json puts in this part (e.g. test)", default: 'all', choices: SUBSETS },
    limit: { kind: 'integer', description: 'only the first N images (name order)', min: 1 },
  },
  async run(o, _args, ctx) {
    if (o.out === undefined) throw new OptionError('--out', 'is required (report and JSON go there)');
    const meta = readSegmenterMeta(o.model);
    if (o.class >= meta.classes) throw new OptionError('--class', `must be below the model's ${meta.classes} classes, got ${o.class}`);
    const whichList = csv(o.weights).map(parseWhich);
    if (whichList.length === 0) throw new OptionError('--weights', 'lists no weights');
    const degradations = parseDegradations(o.degrade);
    const read = { maskValues: parseMaskValues(o.maskValues || meta.maskValues), classes: meta.classes, channels: meta.channels };
    const only = splitNames(o.model, o.subset);
    let pairs = (await segmentationPairs(o.images, o.masks, o.maskSuffix)).filter((p) => !only || only.has(basename(p.image)));
    if (pairs.length === 0) throw new OptionError('--subset', `no image of ${o.images} is in the model's ${o.subset} split`);
    if (o.limit !== undefined) pairs = pairs.slice(0, o.limit);
    const models: LoadedSegmenter[] = [loadSegmenter(o.model, whichList[0], o.device)];
    try {
      const names = unetLayerNames(models[0].unet);
      const layers = selectLayers(models[0].unet, csv(o.layer), '--layer');
      const estimateLayers = o.estimateLayers ? selectLayers(models[0].unet, csv(o.estimateLayers), '--estimate-layers') : names.slice(-3, -1);
      const showIndex = o.showImage ? pairs.findIndex((p) => p.stem === o.showImage) : 0;
      if (showIndex < 0) throw new OptionError('--show-image', `no image with the stem '${o.showImage}' in ${o.images}`);
      for (const p of pairs) await readMask(p.mask, read); // values checked before anything is written
      for (const w of whichList.slice(1)) models.push(loadSegmenter(o.model, w, o.device));
      const run = ctx.run()!;
      const full = [...new Set([...layers, ...estimateLayers])];
      const clean: { stem: string; ab: ImageAbility }[] = [];
      const points: { image: string; degradation: string; weights: string; estimate: number; dice: number }[] = [];
      const bar = ctx.progress({ label: 'seg-ability', total: models.length * pairs.length * degradations.length, unit: 'passes' });
      let shown: { raw: ImageTensorLike; x: ImageTensorLike; truth: Uint8Array } | undefined;
      for (const [k, seg] of models.entries()) {
        const wName = `epoch ${seg.epoch}` + (whichList[k] === 'best' ? ' (best)' : whichList[k] === 'last' ? ' (last)' : '');
        for (const [i, p] of pairs.entries()) {
          const raw = await loadImage(p.image, { channels: meta.channels });
          const mask = await readMask(p.mask, read);
          const truth = Uint8Array.from(mask.data, (v) => (v === o.class ? 1 : 0));
          for (const [j, d] of degradations.entries()) {
            const img = d.kind === 'none' ? raw : degrade(raw, d, Rng.derive(o.seed, i, j));
            const x = normalizeImage(img, meta.norm);
            const analyse = k === 0 && j === 0;
            const ab = tidy(() => imageAbility(seg.unet, tensor(x.data, { shape: [x.channels, x.height, x.width] }), truth, { layers: analyse ? full : estimateLayers, classes: meta.classes, classIndex: o.class, chunk: o.chunk }));
            if (analyse) {
              clean.push({ stem: p.stem, ab: { ...ab, layers: ab.layers.filter((l) => layers.includes(l.name)) } });
              if (i === showIndex) shown = { raw: img, x, truth };
            }
            points.push({ image: p.stem, degradation: d.name, weights: wName, estimate: labelFreeEstimate(ab, estimateLayers), dice: ab.outputDice! });
            bar.tick(1, `${p.stem} ${d.name}: estimate ${points.at(-1)!.estimate.toFixed(3)}, Dice ${ab.outputDice!.toFixed(3)}`);
          }
        }
      }
      bar.done();
      const summary = summarizeLayers(clean.map((c) => c.ab), o.saThreshold);
      const est = points.map((p) => p.estimate);
      const dices = points.map((p) => p.dice);
      const labelFree = { layers: estimateLayers, pearson: pearson(est, dices), spearman: spearman(est, dices), n: points.length, points };
      const overall = bestWorst(summary);
      await run.writeJson('sa-units.json', {
        layers: summary.map((l) => ({ name: l.name, unitSA: l.unitSA })),
        images: clean.map((c) => ({ image: c.stem, outputDice: c.ab.outputDice, layerSA: Object.fromEntries(c.ab.layers.map((l) => [l.name, l.truth!.layerSA])) })),
      });
      await figures(run, summary, labelFree, o, degradations.length, models.length);
      if (shown) await unitFigures(run, models[0], shown, pairs[showIndex].stem, overall, summary);
      const result = {
        model: resolve(o.model),
        weights: models.map((m) => m.epoch),
        classIndex: o.class,
        threshold: o.saThreshold,
        images: pairs.length,
        saOn: { weightsEpoch: models[0].epoch, degradation: degradations[0].name },
        layers: summary.map(({ unitSA: _u, ...rest }) => rest),
        bestUnit: overall.best,
        worstUnit: overall.worst,
        labelFree,
        outputDice: mean(clean.map((c) => c.ab.outputDice!)),
        msPerImage: mean(clean.map((c) => c.ab.ms)),
      };
      const top = [...summary].sort((a, b) => b.meanSA - a.meanSA)[0];
      return {
        json: result,
        summary: segAbilitySummary(summary, overall, labelFree, { images: pairs.length, outputDice: result.outputDice, msPerImage: result.msPerImage, threshold: o.saThreshold, units: shown ? safeName(`units-${pairs[showIndex].stem}`) : undefined }),
        text: `seg-ability: ${pairs.length} image(s), ${summary.length} layers; highest mean unit SA ${top.name} (${top.meanSA.toFixed(3)}, ${(top.activeShare * 100).toFixed(0)} % of units above ${o.saThreshold}); label-free estimate vs Dice over ${labelFree.n}: Pearson ${labelFree.pearson.toFixed(3)}, Spearman ${labelFree.spearman.toFixed(3)}`,
      };
    } finally {
      for (const m of models) m.dispose();
    }
  },
});

/** The report's opening: per-layer SA (best layer bold), the best and worst units, the label-free correlation, and the main figures. */
function segAbilitySummary(summary: LayerSummary[], overall: ReturnType<typeof bestWorst>, lf: { layers: string[]; pearson: number; spearman: number; n: number }, r: { images: number; outputDice: number; msPerImage: number; threshold: number; units?: string }): ReportSummary {
  const cols: ((l: LayerSummary) => number)[] = [(l) => l.layerSA, (l) => l.meanSA, (l) => l.activeShare];
  const best: [number, number][] = cols.map((get, j) => [summary.reduce((bk, l, i) => (get(l) > get(summary[bk]) ? i : bk), 0), j]);
  const top = summary[best[0][0]];
  return {
    verdict: `${top.name} separates the structure best (layer SA ${top.layerSA.toFixed(3)} over ${r.images} image${r.images === 1 ? '' : 's'}, output Dice ${r.outputDice.toFixed(3)}); the label-free estimate follows the true Dice with Spearman ${lf.spearman.toFixed(3)} over ${lf.n} outputs.`,
    facts: [
      { label: 'Images', value: r.images },
      { label: 'Output Dice', value: Number(r.outputDice.toFixed(4)), note: 'mean over the images, first weights, clean inputs' },
      { label: 'Best unit', value: `${overall.best.layer}/${overall.best.unit}`, note: `mean SA ${overall.best.sa.toFixed(3)}` },
      { label: 'Worst unit', value: `${overall.worst.layer}/${overall.worst.unit}`, note: `mean SA ${overall.worst.sa.toFixed(3)}` },
      { label: 'Label-free Pearson', value: Number(lf.pearson.toFixed(4)), note: `n = ${lf.n}, estimate from ${lf.layers.join(', ')}` },
      { label: 'Label-free Spearman', value: Number(lf.spearman.toFixed(4)) },
      { label: 'Time per image', value: `${(r.msPerImage / 1000).toFixed(2)} s`, note: 'one SA pass, every analysed layer and unit' },
    ],
    tables: [{
      caption: `SA per layer in network order (ground truth as guide); active = unit SA above ${r.threshold}; bold: the highest per column`,
      columns: ['layer', 'layer SA (all channels)', 'mean unit SA', 'active share'],
      rows: summary.map((l) => ({ label: l.name, cells: cols.map((get) => Number(get(l).toFixed(4))) })),
      best,
    }],
    galleries: [{
      caption: 'Unit SA per layer, label-free estimate against true Dice, best and worst units',
      side: 320,
      items: [{ images: [{ file: 'figures/sa-per-layer.svg', label: 'SA per layer' }, { file: 'figures/label-free.svg', label: 'label-free' }, ...(r.units ? [{ file: `figures/${r.units}.svg`, label: 'units' }] : [])] }],
    }],
  };
}

/** Best and worst units over the hidden layers (the head, which is the output itself, only when nothing else was analysed). */
function bestWorst(all: LayerSummary[]): { best: { layer: string; unit: number; sa: number }; worst: { layer: string; unit: number; sa: number } } {
  const hidden = all.filter((l) => l.name !== 'head');
  const summary = hidden.length > 0 ? hidden : all;
  let best = { layer: summary[0].name, ...summary[0].bestUnit };
  let worst = { layer: summary[0].name, ...summary[0].worstUnit };
  for (const l of summary) {
    if (l.bestUnit.sa > best.sa) best = { layer: l.name, ...l.bestUnit };
    if (l.worstUnit.sa < worst.sa) worst = { layer: l.name, ...l.worstUnit };
  }
  return { best, worst };
}

async function figures(run: RunFolder, summary: LayerSummary[], labelFree: { layers: string[]; pearson: number; spearman: number; n: number; points: { degradation: string; weights: string; estimate: number; dice: number }[] }, o: SegAbilityOptions, nDegradations: number, nWeights: number): Promise<void> {
  const shares = summary.map((l) => `${l.name} ${(l.activeShare * 100).toFixed(0)} %`).join(', ');
  await run.figures.add(boxPlot, 'sa-per-layer', { groups: summary.map((l) => ({ name: l.name, values: l.unitSA })) }, { xTitle: 'layer (network order)', yTitle: 'unit SA (Dice)', title: 'Segmentation ability of the units of each layer' },
    `Per layer, the SA of each unit (channel) alone, averaged over the images (prototype segmentation with the ground truth as guide, Dice with the ground truth). Units above SA ${o.saThreshold}: ${shares}.`);
  const x = summary.map((_, i) => i + 1);
  await run.figures.add(lineCurves, 'sa-layer-summary', { series: [
    { name: 'layer SA (all channels)', x, y: summary.map((l) => l.layerSA) },
    { name: 'mean unit SA', x, y: summary.map((l) => l.meanSA) },
    { name: `share of units above ${o.saThreshold}`, x, y: summary.map((l) => l.activeShare) },
  ] }, { xTitle: 'layer position', yTitle: 'SA / share' }, `Layers in network order: ${summary.map((l, i) => `${i + 1} = ${l.name}`).join(', ')}.`);
  const labels = labelFree.points.map((p) => (nWeights > 1 && nDegradations > 1 ? `${p.weights}, ${p.degradation}` : nWeights > 1 ? p.weights : p.degradation));
  await run.figures.add(scatterPlot, 'label-free', { x: labelFree.points.map((p) => p.estimate), y: labelFree.points.map((p) => p.dice), labels }, { xTitle: 'label-free estimate (mean output-guided unit SA)', yTitle: 'true Dice of the output', legendTitle: nWeights > 1 ? 'weights' : 'input' },
    `Per image and input copy: the mean SA of the units of ${labelFree.layers.join(', ')} with the network's own output probability as guide (scored against the output's own map) against the output's Dice with the ground truth; n = ${labelFree.n}, Pearson ${labelFree.pearson.toFixed(3)}, Spearman ${labelFree.spearman.toFixed(3)}.`);
}

async function unitFigures(run: RunFolder, seg: LoadedSegmenter, shown: { raw: ImageTensorLike; x: ImageTensorLike; truth: Uint8Array }, stem: string, overall: ReturnType<typeof bestWorst>, summary: LayerSummary[]): Promise<void> {
  const { width, height } = shown.raw;
  const grey: RasterImage = { width, height, channels: 1, data: shown.raw.data.subarray(0, width * height) };
  const a = tidy(() => activations(seg.unet, tensor(shown.x.data, { shape: [shown.x.channels, height, width] })));
  try {
    const guide = tensor(Float32Array.from(shown.truth), { shape: [width * height] });
    const hidden = summary.filter((l) => l.name !== 'head');
    const bestLayer = [...(hidden.length > 0 ? hidden : summary)].sort((p, q) => q.layerSA - p.layerSA)[0];
    const map = (layer: string, unit?: number): RasterImage => ({ width, height, channels: 1, data: Uint8Array.from(prototypeMap(a, layer, guide, unit), (v) => v * 255) });
    const heat = (layer: string, unit: number): RasterImage => heatmapOverlayRaster(grey, { width, height, channels: 1, data: unitActivation(a, layer, unit) });
    const b = overall.best;
    const w = overall.worst;
    await run.figures.add(imageGrid, safeName(`units-${stem}`), { images: [
      { image: grey, title: `image ${basename(stem)}` },
      { image: { width, height, channels: 1, data: Uint8Array.from(shown.truth, (v) => v * 255) }, title: 'ground truth' },
      { image: heat(b.layer, b.unit), title: `best: ${b.layer} unit ${b.unit}` },
      { image: map(b.layer, b.unit), title: `its map (mean SA ${b.sa.toFixed(2)})` },
      { image: heat(w.layer, w.unit), title: `worst: ${w.layer} unit ${w.unit}` },
      { image: map(w.layer, w.unit), title: `its map (mean SA ${w.sa.toFixed(2)})` },
      { image: map(bestLayer.name), title: `${bestLayer.name}, all channels` },
    ] }, { columns: 4, cellWidth: 180 },
    `Best and worst units of the hidden layers by mean SA: each unit's activation (JET over the image) and its prototype map (ground truth as guide); last, the all-channel map of the hidden layer with the highest layer SA (${bestLayer.name}, ${bestLayer.layerSA.toFixed(3)}).`);
    await run.figures.add(maskContours, safeName(`unit-contours-${stem}`), { image: grey, masks: [
      { mask: { width, height, channels: 1, data: shown.truth }, name: 'ground truth', color: '#2ca02c' },
      { mask: { width, height, channels: 1, data: map(b.layer, b.unit).data }, name: `best unit (${b.layer}/${b.unit})`, color: '#1f77b4' },
      { mask: { width, height, channels: 1, data: map(w.layer, w.unit).data }, name: `worst unit (${w.layer}/${w.unit})`, color: '#d62728' },
    ] }, { width: 360, threshold: 0.5 }, 'Prototype maps of the best and worst units against the ground truth.');
    guide.dispose();
  } finally {
    a.dispose();
  }
}
