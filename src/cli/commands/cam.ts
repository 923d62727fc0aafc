// kensa cam: class activation maps of a trained classifier over images or NIfTI slices (read as
// its training images were), one JET overlay per image and method, and optionally each method's
// faithfulness (deletion / insertion AUC, ROAD) so methods can be compared on the same model.
import { mkdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { defineCommand } from '../command.js';
import { fileItems, imageSetFiles } from '../../data/index.js';
import { writePng } from '../../io/index.js';
import { CAM_CHOICES, camMethod, defaultCamLayer, findLayer, FAITHFULNESS_BASELINES, type FaithfulnessBaseline } from '../../methods/cam/index.js';
import { camInputs, meanScores, resolveTargetClass, type CamImageResult, type CamInput } from '../../methods/cam/cam-images.js';
import { loadClassifierRun, type LoadedClassifier } from '../../methods/classify/model-store.js';
import { blendHeatmap } from '../../report/figures/heatmap-overlay.js';
import { imageGrid, type GridImage } from '../../report/figures/image-grid.js';
import type { RasterImage } from '../../report/types.js';
import { InputError, OptionError } from '../../util/errors.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { GALLERY_LIMIT, type ReportSummary, type SummaryTable } from '../../report/summary.js';

export interface CamCommandOptions {
  /** Classifier run folder (kensa classify train). (required) */ model: string;
  /** Methods, comma-separated, or 'all'. @default 'gradcam' */ method: string;
  /** Layer(s) whose maps are averaged, comma-separated module paths; '' = the last conv block. @default '' */ layer: string;
  /** Class to explain (name or index); '' = each image's predicted class. @default '' */ target: string;
  /** 'best' or 'last' weights. @default 'best' */ weights: string;
  /** Deletion / insertion AUC per method. @default false */ faithfulness: boolean;
  /** Baseline that deleted pixels take. @default 'blur' */ baseline: string;
  /** ROAD MoRF / LeRF per method. @default false */ road: boolean;
  /** Heat-map opacity in the overlays. @default 0.5 */ alpha: number;
  /** Most inputs (images or slices) explained; 0 = all. @default 0 */ limit: number;
  /** Inputs shown in the report's grid. @default 12 */ show: number;
}

/** Inputs of every file, as the classifier reads them (volumes: its slices), up to `limit`. */
async function* classifierInputs(model: LoadedClassifier, files: readonly string[], limit: number): AsyncGenerator<CamInput & { display: Float32Array }> {
  let n = 0;
  for (const path of files) {
    for (const it of await fileItems(path, { ...model.meta.image, size: model.inputSize })) {
      if (limit > 0 && n >= limit) return;
      n++;
      const hw = it.image.width * it.image.height;
      const centre = model.meta.image.context ?? 0; // 2.5-D input: show the middle slice, channel K of 2K+1
      const display = it.image.data.subarray(centre * hw, (centre + 1) * hw);
      yield { path, ...(it.slice !== undefined ? { slice: it.slice } : {}), input: { ...it.image, data: model.normalizeSet(it.image.data) }, display: Float32Array.from(display) };
    }
  }
}

function listFiles(args: readonly string[]): Promise<string[]> {
  return (async () => {
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
    return files;
  })();
}

const stemOf = (r: Pick<CamImageResult, 'path' | 'slice'>): string => {
  const b = basename(r.path).replace(/\.nii(\.gz)?$|\.[^.]+$/i, '');
  return r.slice !== undefined ? `${b}-s${String(r.slice).padStart(3, '0')}` : b;
};

export const camCommand = defineCommand<CamCommandOptions>({
  name: 'cam',
  summary: 'class activation maps (Grad-CAM family) of a trained classifier: overlays per image and method, faithfulness scores',
  positionals: [{ name: 'IMAGE|DIR', description: 'an image or NIfTI volume, or a folder of them', variadic: true }],
  writesRun: true,
  options: {
    model: { kind: 'string', description: 'classifier run folder (from classify train)', required: true, placeholder: 'RUN' },
    method: { kind: 'string', description: `CAM methods, comma-separated, or 'all' (${CAM_CHOICES.join(', ')}; 'random' is the uninformed control, and 'all' includes it)`, default: 'gradcam' },
    layer: { kind: 'string', description: "layer(s) whose maps are averaged, comma-separated module paths ('' = the last conv block)", default: '' },
    target: { kind: 'string', description: "class to explain, by name or index ('' = each image's predicted class)", default: '' },
    weights: { kind: 'string', description: 'which checkpoint', default: 'best', choices: ['best', 'last'] },
    faithfulness: { kind: 'boolean', description: 'deletion / insertion AUC per method (lower deletion, higher insertion = more faithful)', default: false },
    baseline: { kind: 'string', description: 'what deleted pixels become in the faithfulness curves', default: 'blur', choices: [...FAITHFULNESS_BASELINES] },
    road: { kind: 'boolean', description: 'ROAD (remove and debias) MoRF / LeRF per method', default: false },
    alpha: { kind: 'number', description: 'heat-map opacity in the overlays', default: 0.5, min: 0, max: 1 },
    limit: { kind: 'integer', description: 'most inputs (images or volume slices) explained (0 = all)', default: 0, min: 0 },
    show: { kind: 'integer', description: 'inputs shown in the report grid', default: 12, min: 0, max: 200 },
  },
  async run(o, args, ctx) {
    const names = o.method === 'all' ? [...CAM_CHOICES] : o.method.split(',').map((m) => m.trim()).filter(Boolean);
    if (names.length === 0) throw new OptionError('--method', 'give at least one method');
    for (const m of names) if (!CAM_CHOICES.includes(m)) throw new OptionError('--method', `unknown CAM method '${m}' (one of ${CAM_CHOICES.join(', ')}, or all)`);
    const methods = names.map(camMethod);
    const files = await listFiles(args);
    const model = loadClassifierRun(o.model, o.weights as 'best' | 'last');
    try {
      const layers = o.layer ? o.layer.split(',').map((l) => l.trim()) : [defaultCamLayer(model.net)];
      for (const l of layers) {
        try {
          findLayer(model.net, l);
        } catch (e) {
          throw e instanceof OptionError ? new OptionError('--layer', e.message.replace(/^layer: /, '')) : e;
        }
      }
      const target = resolveTargetClass(o.target, model.classes);
      const run = ctx.run();
      if (run) mkdirSync(run.path('overlays'), { recursive: true });
      const S = model.inputSize;
      const grid: GridImage[] = [];
      const bar = ctx.progress({ label: 'cam', total: files.length, unit: 'files' });
      let lastPath: string | undefined;
      const results = await camInputs(model, classifierInputs(model, files, o.limit), {
        methods,
        layers,
        target,
        faithfulness: o.faithfulness,
        faithfulnessOptions: { baseline: o.baseline as FaithfulnessBaseline },
        road: o.road,
        device: o.device,
      }, async ({ result, maps, item }) => {
        if (item.path !== lastPath && lastPath !== undefined) bar.tick(1);
        lastPath = item.path;
        if (!run) return;
        const grey: RasterImage = { width: S, height: S, channels: 1, data: item.display };
        const stem = stemOf(result);
        const show = grid.length < o.show * (1 + methods.length);
        if (show) grid.push({ image: grey, range: [0, 1], title: `${stem}: ${result.predicted.name} ${(result.predicted.probability * 100).toFixed(0)} %` });
        for (const m of methods) {
          const heat: RasterImage = { width: S, height: S, channels: 1, data: maps.get(m.name)! };
          const rgba = blendHeatmap(grey, heat, { alpha: o.alpha });
          await writePng(join(run.path('overlays'), `${stem}-${m.name}.png`), { width: S, height: S, channels: 4, bitDepth: 8, data: rgba });
          if (show) grid.push({ image: { width: S, height: S, channels: 4, data: rgba }, title: `${m.title} → ${result.target.name}` });
        }
      });
      if (lastPath !== undefined) bar.tick(1);
      bar.done();
      if (results.length === 0) throw new InputError(args.join(' '), 'gave no inputs to explain');
      const mean = meanScores(results);
      if (run) {
        if (grid.length > 0) await run.figures.add(imageGrid, 'cams', { images: grid }, { columns: 1 + methods.length, cellWidth: 150 }, `input (predicted class) and one overlay per method at ${layers.join(' + ')}, explaining ${target === undefined ? 'the predicted class' : `class ${model.classes[target]}`}`);
        const header = ['path', 'slice', 'predicted', 'probability', 'target', ...methods.flatMap((m) => [`${m.name}_deletion`, `${m.name}_insertion`, `${m.name}_road_gap`])].join(',');
        const num = (v: number | undefined): string => (v === undefined ? '' : v.toFixed(6));
        const rows = results.map((r) => [JSON.stringify(r.path), r.slice ?? '', r.predicted.name, r.predicted.probability.toFixed(6), r.target.name, ...methods.flatMap((m) => [num(r.methods[m.name].deletionAuc), num(r.methods[m.name].insertionAuc), num(r.methods[m.name].road?.gap)])].join(','));
        await writeFileAtomic(run.path('cams.csv'), `${header}\n${rows.join('\n')}\n`);
      }
      const json = { model: o.model, epoch: model.epoch, layers, methods: names, inputs: results.length, mean, images: results };
      const line = (m: string): string => {
        const s = mean[m];
        const parts = [s.deletionAuc !== undefined ? `deletion ${s.deletionAuc.toFixed(3)}` : '', s.insertionAuc !== undefined ? `insertion ${s.insertionAuc.toFixed(3)}` : '', s.road ? `ROAD gap ${s.road.gap.toFixed(3)}` : ''].filter(Boolean);
        return parts.length > 0 ? `${m}: ${parts.join(', ')}` : m;
      };
      return { json, summary: camSummary(results, methods, layers, mean, run !== undefined), text: `cam: ${results.length} inputs, ${names.length} methods at ${layers.join(' + ')}${o.faithfulness || o.road ? `\n${names.map(line).join('\n')}` : ''}` };
    } finally {
      model.dispose();
    }
  },
});

/** The report's opening: faithfulness per method (best marked) and the overlays of the first inputs. */
function camSummary(results: CamImageResult[], methods: readonly { name: string; title: string }[], layers: readonly string[], mean: ReturnType<typeof meanScores>, overlays: boolean): ReportSummary {
  const tables: SummaryTable[] = [];
  type Col = { name: string; get: (m: string) => number | undefined; better: 'min' | 'max' };
  const all: Col[] = [
    { name: 'deletion AUC (lower is better)', get: (m) => mean[m]?.deletionAuc, better: 'min' },
    { name: 'insertion AUC (higher is better)', get: (m) => mean[m]?.insertionAuc, better: 'max' },
    { name: 'ROAD gap LeRF − MoRF (higher is better)', get: (m) => mean[m]?.road?.gap, better: 'max' },
  ];
  const cols = all.filter((c) => methods.some((m) => c.get(m.name) !== undefined));
  if (cols.length > 0) {
    const best: [number, number][] = cols.map((c, j) => {
      const v = methods.map((m) => c.get(m.name) ?? NaN);
      const k = v.reduce((bk, x, i) => ((c.better === 'min' ? x < v[bk] : x > v[bk]) ? i : bk), 0);
      return [k, j];
    });
    tables.push({ caption: `Faithfulness, mean over ${results.length} inputs; bold: the best method per column`, columns: ['method', ...cols.map((c) => c.name)], rows: methods.map((m) => ({ label: m.title, cells: cols.map((c) => { const v = c.get(m.name); return v === undefined ? null : Number(v.toFixed(4)); }) })), best });
  }
  const counts = new Map<string, number>();
  for (const r of results) counts.set(r.predicted.name, (counts.get(r.predicted.name) ?? 0) + 1);
  return {
    verdict: `${results.length} input${results.length === 1 ? '' : 's'} explained by ${methods.map((m) => m.title).join(', ')} at ${layers.join(' + ')}; predicted ${[...counts].map(([k, n]) => `${k} ${n}`).join(', ')}.`,
    tables,
    galleries: overlays ? [{
      caption: 'Overlays per input, one per method (JET: red = most evidence for the explained class)',
      columns: Math.min(6, methods.length),
      items: results.slice(0, GALLERY_LIMIT).map((r) => ({ title: `${stemOf(r)}: ${r.predicted.name} ${(r.predicted.probability * 100).toFixed(0)} %`, images: methods.map((m) => ({ file: `overlays/${stemOf(r)}-${m.name}.png`, label: m.title })) })),
    }] : [],
  };
}
