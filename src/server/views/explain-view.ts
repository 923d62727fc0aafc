// The explanation flipper of kensa serve, computed in a worker process: for a `kensa explain` run,
// a few images per direction re-explained with the run's own classifier, CycleGAN, CAM methods,
// layers and smoothing: the image, its translation, original − translated, |difference| and each CAM.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadImageSet, subsetImageSet } from '../../data/index.js';
import { defaultCamLayer } from '../../methods/cam/index.js';
import { loadClassifierRun } from '../../methods/classify/model-store.js';
import { loadCycleGanRun } from '../../methods/cyclegan/index.js';
import { explainSet } from '../../methods/explain/explain.js';
import { divergingRaster } from '../../report/colormap-diverging.js';
import { blendHeatmap } from '../../report/figures/heatmap-overlay.js';
import { indicesOf } from '../../cli/commands/image-set-options.js';
import { InputError } from '../../util/errors.js';
import { pngDataUrl } from './png-data.js';
import { runConfig } from './view-files.js';

export interface FlipLayer {
  /** 'image' | 'translation' | 'difference' | '|difference|' | 'cam:<method>' */
  key: string;
  title: string;
  png: string;
}

export interface FlipSample {
  group: string;
  from: string;
  to: string;
  predictedBefore: string;
  predictedAfter: string;
  /** Pearson r of each CAM against the (smoothed) |difference| inside the head. */
  agreement: Record<string, number>;
  /** Largest |original − translated|: the ends of the diverging scale. */
  limit: number;
  layers: FlipLayer[];
}

export interface ExplainFlips {
  classes: string[];
  methods: string[];
  size: number;
  samples: FlipSample[];
}

const str = (v: unknown, file: string, key: string): string => {
  if (typeof v !== 'string' || v === '') throw new InputError(file, `has no ${key} option`);
  return v;
};

/** Up to `perDirection` images of each group of an explain run, explained again as the run did. */
export async function explainFlips(runDir: string, perDirection = 4): Promise<ExplainFlips> {
  const cfgFile = resolve(runDir, 'config.json');
  const cfg = runConfig(runDir);
  if (cfg?.name !== 'explain') throw new InputError(cfgFile, 'is not the config of a kensa explain run');
  const o = cfg.options;
  const classifier = resolve(str(o.classifier, cfgFile, 'classifier'));
  const model = loadClassifierRun(classifier);
  const gan = loadCycleGanRun(resolve(str(o.cyclegan, cfgFile, 'cyclegan')));
  try {
    const methods = str(o.methods ?? 'gradcam', cfgFile, 'methods').split(',').map((m) => m.trim()).filter(Boolean);
    const layers = typeof o.layer === 'string' && o.layer ? o.layer.split(',').map((l) => l.trim()) : [defaultCamLayer(model.net)];
    const root = resolve(str(o.data, cfgFile, 'data'));
    let set = await loadImageSet(root, { ...model.meta.image, size: model.inputSize, classes: [gan.domains.a, gan.domains.b] });
    // the run's split ('auto' = subjects in both runs' test splits when the data is the classifier's own root)
    const which = o.split === 'auto' || o.split === undefined ? (model.meta.data === root ? 'both-test' : 'all') : String(o.split);
    if (which !== 'all') {
      const cTest = (JSON.parse(readFileSync(resolve(classifier, 'split.json'), 'utf8')) as { test: string[] }).test;
      const gTest = gan.split.test;
      const groups = which === 'classifier-test' ? cTest : which === 'cyclegan-test' ? gTest : cTest.filter((g) => gTest.includes(g));
      set = subsetImageSet(set, indicesOf(set, groups));
    }
    // the middle image (slice) of each of the first `perDirection` subjects of each group
    const keep: number[] = [];
    for (let c = 0; c < set.classes.length; c++) {
      const byGroup = new Map<string, number[]>();
      for (let i = 0; i < set.count; i++) if (set.labels[i] === c) byGroup.set(set.groups[i], [...(byGroup.get(set.groups[i]) ?? []), i]);
      for (const ims of [...byGroup.values()].slice(0, perDirection)) keep.push(ims[Math.floor(ims.length / 2)]);
    }
    if (keep.length === 0) throw new InputError(root, `holds no image of ${gan.domains.a} or ${gan.domains.b} in the run's split`);
    set = subsetImageSet(set, keep.sort((x, y) => x - y));
    const r = explainSet(model, gan, set, { methods, layers, topFraction: Number(o.topFraction ?? 0.1), smooth: Number(o.smooth ?? 0), samples: perDirection });
    const S = r.size;
    const grey = (d: Float32Array): { width: number; height: number; channels: number; data: Float32Array } => ({ width: S, height: S, channels: 1, data: d });
    const overlay = (img: Float32Array, heat: Float32Array): Promise<string> => pngDataUrl({ width: S, height: S, channels: 4, data: blendHeatmap(grey(img), grey(heat), { alpha: 0.5 }) });
    const samples: FlipSample[] = [];
    for (const s of r.samples) {
      const limit = Math.max(1e-6, ...s.difference.map(Math.abs));
      const layersOut: FlipLayer[] = [
        { key: 'image', title: `${model.classes[s.trueClass]} (classified ${model.classes[s.predictedBefore]})`, png: await pngDataUrl(grey(s.original)) },
        { key: 'translation', title: `translated to ${model.classes[s.targetClass]} (classified ${model.classes[s.predictedAfter]})`, png: await pngDataUrl(grey(s.translated)) },
        { key: 'difference', title: `original − translated (±${limit.toFixed(2)}; red: brighter in the original)`, png: await pngDataUrl(divergingRaster(s.difference, S, S, limit)) },
        { key: '|difference|', title: '|original − translated|', png: await overlay(s.original, s.difference.map(Math.abs)) },
      ];
      for (const m of methods) layersOut.push({ key: `cam:${m}`, title: `${m} for ${model.classes[s.trueClass]} (r = ${s.agreement[m].pearson.toFixed(2)} with |difference|)`, png: await overlay(s.original, s.cams[m]) });
      samples.push({
        group: s.group, from: model.classes[s.trueClass], to: model.classes[s.targetClass],
        predictedBefore: model.classes[s.predictedBefore], predictedAfter: model.classes[s.predictedAfter],
        agreement: Object.fromEntries(methods.map((m) => [m, s.agreement[m].pearson])), limit, layers: layersOut,
      });
    }
    return { classes: model.classes, methods, size: S, samples };
  } finally {
    model.dispose();
    gan.dispose();
  }
}
