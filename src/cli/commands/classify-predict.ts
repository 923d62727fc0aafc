// kensa classify predict: class probabilities of images or volumes under a trained classifier,
// read as its training images were (volumes: the same slices; their mean is the volume's answer).
import { statSync } from 'node:fs';
import { defineCommand } from '../command.js';
import { fileItems, imageSetFiles, packImageSet, type ImageTensorLike } from '../../data/index.js';
import { basename, join } from 'node:path';
import { loadClassifierRun } from '../../methods/classify/model-store.js';
import { TTA_MODES, argmaxRows, predictProbabilities, type TtaMode } from '../../methods/classify/trainer.js';
import { InputError, OptionError } from '../../util/errors.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { GALLERY_LIMIT, writePreview, type ReportSummary } from '../../report/summary.js';
import { intensityRange, to8bit } from '../../report/raster.js';
import { SHARD_SPEC, parseShard, shardFiles } from '../../distributed/shard.js';

export interface ClassifyPredictOptions {
  /** R/N: only part R of N of the inputs. @default all */ shard?: string;
  /** Classifier run folder. (required) */ model: string;
  /** 'best' or 'last' weights. @default 'best' */ weights: string;
  /** Test-time augmentation: 'flip' averages the probabilities of each image and its left-right mirror. @default 'none' */ tta: string;
}

export interface FilePrediction {
  path: string;
  /** Slices used (volumes). */
  slices?: number[];
  predicted: string;
  /** Class → probability (mean over slices for volumes). */
  probabilities: Record<string, number>;
  /** Per slice, for volumes. */
  perSlice?: { slice: number; predicted: string; probabilities: Record<string, number> }[];
}

/** An 8-bit copy of a [C, H, W] float image (first channel, min-max scaled) for the report's gallery. */
function previewOf(img: ImageTensorLike): { data: Uint8Array; width: number; height: number; channels: 1 } {
  const first = img.data.subarray(0, img.width * img.height);
  const [lo, hi] = intensityRange({ width: img.width, height: img.height, channels: 1, data: first });
  return { data: Uint8Array.from(first, (v) => to8bit(v, lo, hi)), width: img.width, height: img.height, channels: 1 };
}

export const classifyPredictCommand = defineCommand<ClassifyPredictOptions>({
  name: 'classify predict',
  summary: 'class probabilities of images or volumes under a trained classifier',
  positionals: [{ name: 'IMAGE|DIR', description: 'an image or NIfTI volume, or a folder of them', variadic: true }],
  writesRun: true,
  options: {
    model: { kind: 'string', description: 'classifier run folder (from classify train)', required: true, placeholder: 'RUN' },
    weights: { kind: 'string', description: 'which checkpoint', default: 'best', choices: ['best', 'last'] },
    tta: { kind: 'string', description: "test-time augmentation: 'flip' averages the probabilities of each image and its left-right mirror", default: 'none', choices: TTA_MODES },
    shard: SHARD_SPEC,
  },
  async run(o, args, ctx) {
    const files: string[] = [];
    for (const a of args) {
      let st;
      try {
        st = statSync(a);
      } catch {
        throw new InputError(a, 'does not exist');
      }
      if (st.isDirectory()) {
        const inDir = await imageSetFiles(a);
        if (inDir.length === 0) throw new InputError(a, 'holds no images or NIfTI volumes');
        files.push(...inDir);
      } else files.push(a);
    }
    const mine = shardFiles(files, parseShard(o.shard));
    if (mine.length === 0) throw new OptionError('--shard', `part ${o.shard} of the inputs holds no file`);
    files.splice(0, files.length, ...mine);
    const model = loadClassifierRun(o.model, o.weights as 'best' | 'last');
    const c = model.classes.length;
    const named = (p: ArrayLike<number>, off: number): Record<string, number> => Object.fromEntries(model.classes.map((k, j) => [k, p[off + j]]));
    const out: FilePrediction[] = [];
    try {
      const bar = ctx.progress({ label: 'classify predict', total: files.length, unit: 'files' });
      for (const path of files) {
        const items = await fileItems(path, { ...model.meta.image, size: model.inputSize });
        const set = packImageSet(model.classes, items.map((it, i) => ({ image: it.image, label: 0, group: path, source: { path, slice: it.slice ?? i } })));
        const probs = predictProbabilities(model.net, set, { norm: model.meta.norm, device: o.device, tta: o.tta as TtaMode });
        const mean = new Float64Array(c);
        for (let i = 0; i < set.count; i++) for (let k = 0; k < c; k++) mean[k] += probs[i * c + k] / set.count;
        const pred: FilePrediction = { path, predicted: model.classes[argmaxRows(Float32Array.from(mean), c)[0]], probabilities: named(mean, 0) };
        if (items[0].slice !== undefined) {
          pred.slices = items.map((it) => it.slice!);
          const am = argmaxRows(probs, c);
          pred.perSlice = items.map((it, i) => ({ slice: it.slice!, predicted: model.classes[am[i]], probabilities: named(probs, i * c) }));
        }
        out.push(pred);
        const run = ctx.run();
        if (run && out.length <= GALLERY_LIMIT) await writePreview(run.path('previews', `${out.length - 1}.png`), previewOf(items[Math.floor(items.length / 2)].image));
        bar.tick(1);
      }
      bar.done();
    } finally {
      model.dispose();
    }
    const run = ctx.run();
    if (run) {
      const header = ['path', 'predicted', ...model.classes.map((k) => `p_${k}`)].join(',');
      const rows = out.map((p) => [JSON.stringify(p.path), p.predicted, ...model.classes.map((k) => p.probabilities[k].toFixed(6))].join(','));
      await run.writeJson('predictions.json', out);
      await writeFileAtomic(run.path('predictions.csv'), `${header}\n${rows.join('\n')}\n`);
    }
    const counts = model.classes.map((k) => out.filter((p) => p.predicted === k).length);
    const summary: ReportSummary = {
      verdict: `${out.length} file${out.length === 1 ? '' : 's'} classified: ${model.classes.map((k, j) => `${counts[j]} ${k}`).join(', ')}${out.some((p) => p.perSlice) ? ' (volumes: mean probability over their slices)' : ''}.`,
      facts: model.classes.map((k, j) => ({ label: `Predicted ${k}`, value: counts[j] })),
      tables: [{
        caption: `Prediction per file${out.length > GALLERY_LIMIT ? ` (first ${GALLERY_LIMIT} of ${out.length}; all in predictions.csv)` : ''}`,
        columns: ['file', 'predicted', ...model.classes.map((k) => `p(${k})`)],
        rows: out.slice(0, GALLERY_LIMIT).map((p) => ({ label: basename(p.path), cells: [p.predicted, ...model.classes.map((k) => Number(p.probabilities[k].toFixed(4)))] })),
      }],
      galleries: [{
        caption: 'Input (the middle slice of a volume) and its predicted class',
        columns: 6,
        items: out.slice(0, GALLERY_LIMIT).map((p, i) => ({ title: `${basename(p.path)}: ${p.predicted} ${(p.probabilities[p.predicted] * 100).toFixed(0)} %`, images: [{ file: join('previews', `${i}.png`) }] })),
      }],
    };
    return { summary, json: out, text: out.map((p) => `${p.path}: ${p.predicted} (${(p.probabilities[p.predicted] * 100).toFixed(1)} %)`).join('\n') };
  },
});
