// kensa classify predict: class probabilities of images or volumes under a trained classifier,
// read as its training images were (volumes: the same slices; their mean is the volume's answer).
import { statSync } from 'node:fs';
import { defineCommand } from '../command.js';
import { fileItems, imageSetFiles, packImageSet } from '../../data/index.js';
import { loadClassifierRun } from '../../methods/classify/model-store.js';
import { argmaxRows, predictProbabilities } from '../../methods/classify/trainer.js';
import { InputError } from '../../util/errors.js';
import { writeFileAtomic } from '../../util/atomic-write.js';

export interface ClassifyPredictOptions {
  /** Classifier run folder. (required) */ model: string;
  /** 'best' or 'last' weights. @default 'best' */ weights: string;
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

export const classifyPredictCommand = defineCommand<ClassifyPredictOptions>({
  name: 'classify predict',
  summary: 'class probabilities of images or volumes under a trained classifier',
  positionals: [{ name: 'IMAGE|DIR', description: 'an image or NIfTI volume, or a folder of them', variadic: true }],
  writesRun: true,
  options: {
    model: { kind: 'string', description: 'classifier run folder (from classify train)', required: true, placeholder: 'RUN' },
    weights: { kind: 'string', description: 'which checkpoint', default: 'best', choices: ['best', 'last'] },
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
    const model = loadClassifierRun(o.model, o.weights as 'best' | 'last');
    const c = model.classes.length;
    const named = (p: ArrayLike<number>, off: number): Record<string, number> => Object.fromEntries(model.classes.map((k, j) => [k, p[off + j]]));
    const out: FilePrediction[] = [];
    try {
      const bar = ctx.progress({ label: 'classify predict', total: files.length, unit: 'files' });
      for (const path of files) {
        const items = await fileItems(path, { ...model.meta.image, size: model.inputSize });
        const set = packImageSet(model.classes, items.map((it, i) => ({ image: it.image, label: 0, group: path, source: { path, slice: it.slice ?? i } })));
        const probs = predictProbabilities(model.net, set, { norm: model.meta.norm, device: o.device });
        const mean = new Float64Array(c);
        for (let i = 0; i < set.count; i++) for (let k = 0; k < c; k++) mean[k] += probs[i * c + k] / set.count;
        const pred: FilePrediction = { path, predicted: model.classes[argmaxRows(Float32Array.from(mean), c)[0]], probabilities: named(mean, 0) };
        if (items[0].slice !== undefined) {
          pred.slices = items.map((it) => it.slice!);
          const am = argmaxRows(probs, c);
          pred.perSlice = items.map((it, i) => ({ slice: it.slice!, predicted: model.classes[am[i]], probabilities: named(probs, i * c) }));
        }
        out.push(pred);
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
    return { json: out, text: out.map((p) => `${p.path}: ${p.predicted} (${(p.probabilities[p.predicted] * 100).toFixed(1)} %)`).join('\n') };
  },
});
