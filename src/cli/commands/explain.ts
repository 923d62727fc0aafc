// kensa explain: a two-group classifier explained by a CycleGAN between its groups (the brain-age
// study's protocol): per image the signed and absolute difference original − translated, the
// group-mean difference maps, CAM overlays beside |difference| with their agreement (Pearson r and
// top-10 % overlap inside the head), and the re-classification of translated images.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { RunFolder } from '../run-folder.js';
import { defineCommand } from '../command.js';
import { loadImageSet, subsetImageSet } from '../../data/index.js';
import { CAM_CHOICES, defaultCamLayer } from '../../methods/cam/index.js';
import { loadClassifierRun } from '../../methods/classify/model-store.js';
import { loadCycleGanRun } from '../../methods/cyclegan/index.js';
import { explainSet, meanAgreement, type ExplainResult } from '../../methods/explain/explain.js';
import { divergingRaster } from '../../report/colormap-diverging.js';
import { confusionMatrixFigure } from '../../report/figures/confusion-matrix.js';
import { blendHeatmap } from '../../report/figures/heatmap-overlay.js';
import { imageGrid, type GridImage } from '../../report/figures/image-grid.js';
import type { RasterImage } from '../../report/types.js';
import { OptionError } from '../../util/errors.js';
import type { ReportSummary } from '../../report/summary.js';
import { indicesOf } from './image-set-options.js';

export interface ExplainCommandOptions {
  /** Classifier run. (required) */ classifier: string;
  /** CycleGAN run between two of its classes. (required) */ cyclegan: string;
  /** Class-per-folder root read as the classifier's training images. (required) */ data: string;
  /** 'auto': subjects held apart from both runs on their own root, every image of another folder. @default 'auto' */ split: string;
  /** CAM methods compared with |difference|, comma-separated. @default 'gradcam,gradcam++,layercam' */ methods: string;
  /** Classifier layer(s) for the CAMs, comma-separated; '' = the last conv block. @default '' */ layer: string;
  /** Fraction of pixels in the top-set overlap. @default 0.1 */ topFraction: number;
  /** σ (pixels) of the Gaussian smoothing of |difference| before the CAM comparison. @default 2 */ smooth: number;
  /** Images shown whole per direction. @default 4 */ samples: number;
}

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

export const explainCommand = defineCommand<ExplainCommandOptions>({
  name: 'explain',
  summary: 'explain a two-group classifier with a CycleGAN: difference maps, CAM agreement, re-classification of translations',
  writesRun: true,
  options: {
    classifier: { kind: 'string', description: 'classifier run (kensa classify train)', required: true, placeholder: 'RUN' },
    cyclegan: { kind: 'string', description: 'CycleGAN run (kensa cyclegan train) between two of its classes', required: true, placeholder: 'RUN' },
    data: { kind: 'string', description: 'class-per-folder root (2-D images or NIfTI volumes)', required: true, placeholder: 'DIR' },
    split: { kind: 'string', description: "'auto': subjects in the test split of both runs (on their own training root), every image of another folder", default: 'auto', choices: ['auto', 'all', 'classifier-test', 'cyclegan-test'] },
    methods: { kind: 'string', description: `CAM methods, comma-separated (${CAM_CHOICES.join(', ')}; 'random' is the uninformed control)`, default: 'gradcam,gradcam++,layercam' },
    layer: { kind: 'string', description: "classifier layer(s) for the CAMs, comma-separated ('' = the last conv block)", default: '' },
    topFraction: { kind: 'number', description: 'fraction of head pixels in the top-set overlap', default: 0.1, min: 0.001, max: 1 },
    smooth: { kind: 'number', description: 'σ in pixels of a Gaussian smoothing |difference| before it is compared with the CAMs (coarse maps upsampled); 0 = raw pixels', default: 2, min: 0 },
    samples: { kind: 'integer', description: 'images shown whole per direction', default: 4, min: 0, max: 50 },
  },
  async run(o, _args, ctx) {
    const methods = o.methods.split(',').map((m) => m.trim()).filter(Boolean);
    for (const m of methods) if (!CAM_CHOICES.includes(m)) throw new OptionError('--methods', `unknown CAM method '${m}' (one of ${CAM_CHOICES.join(', ')})`);
    const model = loadClassifierRun(o.classifier);
    const context = model.meta.image.context ?? 0;
    if (context > 0) {
      model.dispose();
      throw new OptionError('--classifier', `${o.classifier} takes ${2 * context + 1} neighbouring slices per input (--context ${context}); explain translates one slice at a time, so it needs a classifier trained without --context`);
    }
    const gan = loadCycleGanRun(o.cyclegan, { device: o.device });
    try {
      const layers = o.layer ? o.layer.split(',').map((l) => l.trim()) : [defaultCamLayer(model.net)];
      const root = resolve(o.data);
      let set = await loadImageSet(root, { ...model.meta.image, size: model.inputSize, classes: [gan.domains.a, gan.domains.b] });
      const own = model.meta.data === root;
      const which = o.split === 'auto' ? (own ? 'both-test' : 'all') : o.split;
      if (which !== 'all') {
        const cTest = (JSON.parse(readFileSync(resolve(o.classifier, 'split.json'), 'utf8')) as { test: string[] }).test;
        const gTest = gan.split.test;
        const groups = which === 'classifier-test' ? cTest : which === 'cyclegan-test' ? gTest : cTest.filter((g) => gTest.includes(g));
        set = subsetImageSet(set, indicesOf(set, groups));
        if (set.count === 0) throw new OptionError('--split', `no subject of ${root} is in the ${which === 'both-test' ? 'test split of both runs (train them with the same --seed and fractions, or use --split classifier-test)' : which} split`);
      }
      ctx.log(`explain: ${set.count} images of ${new Set(set.groups).size} subjects (${which}), ${gan.domains.a} ↔ ${gan.domains.b}, CAM ${methods.join('/')} at ${layers.join('+')}`);
      const bar = ctx.progress({ label: 'explain', total: set.count, unit: 'images' });
      let last = 0;
      const r = explainSet(model, gan, set, { methods, layers, topFraction: o.topFraction, smooth: o.smooth, samples: o.samples, device: o.device, onProgress: (d) => { bar.tick(d - last); last = d; } });
      bar.done();
      const agreement = meanAgreement(r.images, methods);
      const before = r.images.filter((im) => im.predictedBefore === im.trueClass).length / r.images.length;
      const flipRate: Record<string, number> = {};
      for (const d of r.directions) flipRate[`${d.from}To${cap(d.to)}`] = d.flipRate;
      const json = {
        classifierAccuracy: before,
        flipRate,
        camAgreement: Object.fromEntries(methods.map((m) => [m, { pearson: agreement[m].pearson, top10Overlap: agreement[m].topOverlap }])),
        topFraction: o.topFraction,
        smooth: o.smooth,
        images: r.images.length,
        subjects: new Set(set.groups).size,
        split: which,
        classes: model.classes,
        confusionBefore: r.confusionBefore,
        confusionAfter: r.confusionAfter,
        directions: r.directions.map((d) => ({ direction: d.direction, from: d.from, to: d.to, count: d.count, flipRate: d.flipRate, accuracyBefore: d.accuracyBefore })),
        layers,
        classifierEpoch: model.epoch,
        cycleganEpoch: gan.epoch,
      };
      const run = ctx.run();
      if (run) await figures(run, r, model.classes, methods);
      const figs = run ? (await run.figures.list()).filter((f) => f.name.startsWith('mean-') || f.name.startsWith('confusion-') || f.name.startsWith('samples-')) : [];
      const pct = (v: number): string => `${(v * 100).toFixed(1)} %`;
      const best: [number, number][] = [0, 1].map((j) => {
        const v = methods.map((m) => (j === 0 ? agreement[m].pearson : agreement[m].topOverlap));
        return [v.indexOf(Math.max(...v)), j];
      });
      const summary: ReportSummary = {
        verdict: `The classifier is right on ${pct(before)} of ${r.images.length} original images (${json.subjects} subjects); after translation by the CycleGAN ${r.directions.map((d) => `${pct(d.flipRate)} of ${d.from} → ${d.to}`).join(' and ')} land in the other class.`,
        facts: [
          { label: 'Classifier accuracy', value: pct(before), note: `${r.images.length} originals` },
          ...r.directions.map((d) => ({ label: `Flipped ${d.from} → ${d.to}`, value: pct(d.flipRate), note: `${d.count} images` })),
        ],
        tables: [{ caption: `Agreement of each CAM with |original − translated| inside the head (bold: best)`, columns: ['CAM method', 'Pearson r', `top ${Math.round(o.topFraction * 100)} % overlap`], rows: methods.map((m) => ({ label: m, cells: [Number(agreement[m].pearson.toFixed(3)), Number(agreement[m].topOverlap.toFixed(3))] })), best }],
        galleries: figs.length > 0 ? [{ caption: 'Group-mean difference maps, confusion before/after translation, and sample images', columns: 2, side: 560, items: figs.map((f) => ({ title: f.name, images: [{ file: f.file }] })) }] : [],
      };
      const flips = Object.entries(flipRate).map(([k, v]) => `${k} ${(v * 100).toFixed(1)} %`).join(', ');
      return {
        json,
        summary,
        text: `explain: classifier ${(before * 100).toFixed(1)} % right on ${r.images.length} originals; translated images flipped: ${flips}; CAM vs |difference| r = ${methods.map((m) => `${m} ${agreement[m].pearson.toFixed(3)}`).join(', ')}`,
      };
    } finally {
      model.dispose();
      gan.dispose();
    }
  },
});

async function figures(run: RunFolder, r: ExplainResult, classes: string[], methods: readonly string[]): Promise<void> {
  const S = r.size;
  const grey = (d: Float32Array): RasterImage => ({ width: S, height: S, channels: 1, data: d });
  const overlay = (img: Float32Array, heat: Float32Array): RasterImage => ({ width: S, height: S, channels: 4, data: blendHeatmap(grey(img), grey(heat), { alpha: 0.5 }) });
  await run.figures.add(confusionMatrixFigure, 'confusion-before', { classes, counts: r.confusionBefore }, {}, 'Classifier on the original images (row = true group)');
  await run.figures.add(confusionMatrixFigure, 'confusion-after', { classes, counts: r.confusionAfter }, {}, 'Classifier on the translated images (row = the group translated into): the diagonal is the share that crossed the boundary');
  for (const d of r.directions) {
    const lim = Math.max(...d.meanDifference.map(Math.abs));
    const cells: GridImage[] = [
      { image: grey(d.meanOriginal), title: `mean ${d.from}`, range: [0, 1] },
      { image: divergingRaster(d.meanDifference, S, S, lim), title: `mean(orig) − mean(transl) ±${lim.toFixed(2)}` },
      { image: overlay(d.meanOriginal, d.meanAbsDifference), title: 'mean |difference|' },
      ...methods.map((m) => ({ image: overlay(d.meanOriginal, d.meanCams[m]), title: `mean ${m}` })),
    ];
    await run.figures.add(imageGrid, `mean-${d.from}-to-${d.to}`, { images: cells }, { columns: cells.length, cellWidth: 150 }, `${d.from} → ${d.to}, ${d.count} images: mean original, group-mean difference (red: brighter in the original), mean |difference| and mean CAMs`);
    const rows = r.samples.filter((s) => s.direction === d.direction);
    if (rows.length === 0) continue;
    const grid: GridImage[] = rows.flatMap((s) => {
      const lim2 = Math.max(1e-6, ...s.difference.map(Math.abs));
      return [
        { image: grey(s.original), title: `${classes[s.trueClass]} → ${classes[s.predictedBefore]}`, range: [0, 1] as [number, number] },
        { image: grey(s.translated), title: `translated → ${classes[s.predictedAfter]}`, range: [0, 1] as [number, number] },
        { image: divergingRaster(s.difference, S, S, lim2), title: 'original − translated' },
        { image: overlay(s.original, s.difference.map(Math.abs)), title: '|difference|' },
        ...methods.map((m) => ({ image: overlay(s.original, s.cams[m]), title: `${m} r=${s.agreement[m].pearson.toFixed(2)}` })),
      ];
    });
    await run.figures.add(imageGrid, `samples-${d.from}-to-${d.to}`, { images: grid }, { columns: 4 + methods.length, cellWidth: 130 }, `${d.from} → ${d.to}: image (true → predicted), its translation (→ predicted), signed and absolute difference, CAMs of the original for its true group with Pearson r against |difference|`);
  }
}
