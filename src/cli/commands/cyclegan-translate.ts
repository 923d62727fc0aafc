// kensa cyclegan translate: applies a trained CycleGAN generator (A → B or B → A) to an image, a
// volume's slices or a folder, each read as the training images were (normalisation, plane, slice
// range, square resize), and writes the translations as 8-bit PNGs with a sample grid in the report.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { defineCommand } from '../command.js';
import { tensor, tidy } from '../../engine/index.js';
import { fileItems, fileStem, imageSetFiles, type ImageTensorLike } from '../../data/index.js';
import { writePng } from '../../io/index.js';
import { DIRECTIONS, loadCycleGanRun, type Direction } from '../../methods/cyclegan/index.js';
import { imageGrid, type GridImage } from '../../report/figures/image-grid.js';
import { GALLERY_LIMIT, writePreview, type ReportSummary } from '../../report/summary.js';
import { InputError, OptionError } from '../../util/errors.js';

export interface CycleganTranslateCliOptions {
  /** Run folder of `kensa cyclegan train`. (required) */ model: string;
  /** 'a2b' (G) or 'b2a' (F). @default 'a2b' */ direction: string;
  /** Weights: 'best' (= last epoch) or 'last'. @default 'best' */ weights: string;
  /** Images translated per batch. @default 8 */ batchSize: number;
}

function toPng(img: ImageTensorLike): { width: number; height: number; channels: 1; bitDepth: 8; data: Uint8Array } {
  const data = new Uint8Array(img.width * img.height);
  for (let i = 0; i < data.length; i++) data[i] = Math.round(Math.min(1, Math.max(0, img.data[i])) * 255);
  return { width: img.width, height: img.height, channels: 1, bitDepth: 8, data };
}

export const cycleganTranslateCommand = defineCommand<CycleganTranslateCliOptions>({
  name: 'cyclegan translate',
  summary: 'translate images or NIfTI slices with a trained CycleGAN (A→B or B→A), as PNGs',
  positionals: [{ name: 'IMAGE|DIR', description: 'an image or NIfTI volume, or a folder of them' }],
  writesRun: true,
  options: {
    model: { kind: 'string', description: 'run folder of kensa cyclegan train', required: true, placeholder: 'RUN' },
    direction: { kind: 'string', description: "'a2b' (domain A to B) or 'b2a'", default: 'a2b', choices: DIRECTIONS },
    weights: { kind: 'string', description: "'best' (the last epoch) or 'last'", default: 'best', choices: ['best', 'last'] },
    batchSize: { kind: 'integer', description: 'images translated per batch', default: 8, min: 1 },
  },
  async run(o, args, ctx) {
    if (o.out === undefined) throw new OptionError('--out', 'is required (translated PNGs and the report go there)');
    const input = args[0];
    if (!existsSync(input)) throw new InputError(input, 'no such file or folder');
    const files = statSync(input).isDirectory() ? await imageSetFiles(input) : [input];
    if (files.length === 0) throw new InputError(input, 'holds no images or volumes');
    const model = loadCycleGanRun(resolve(o.model), { which: o.weights as 'best' | 'last', device: o.device });
    try {
      const direction = o.direction as Direction;
      const [from, to] = direction === 'a2b' ? [model.domains.a, model.domains.b] : [model.domains.b, model.domains.a];
      // read every input before writing anything
      const items: { path: string; slice?: number; image: ImageTensorLike }[] = [];
      for (const path of files) for (const it of await fileItems(path, model.imageOptions)) items.push({ path, ...it });
      for (const it of items) if (it.image.channels !== 1) throw new InputError(it.path, `has ${it.image.channels} channels, the model takes 1`);
      const run = ctx.run()!;
      const outDir = run.path('translated');
      mkdirSync(outDir, { recursive: true });
      const stems = new Map<string, number>();
      const results: { input: string; slice?: number; output: string }[] = [];
      const grid: GridImage[] = [];
      const s = model.size;
      for (let start = 0; start < items.length; start += o.batchSize) {
        const chunk = items.slice(start, start + o.batchSize);
        const out = tidy(() => {
          const x = tensor(Float32Array.from(chunk.flatMap((it) => Array.from(it.image.data))), { shape: [chunk.length, 1, s, s], device: o.device });
          return model.translate(x, direction).cpu().contiguous().data() as Float32Array;
        });
        for (const [k, it] of chunk.entries()) {
          const image: ImageTensorLike = { data: out.subarray(k * s * s, (k + 1) * s * s), channels: 1, height: s, width: s };
          let stem = fileStem(it.path) + (it.slice === undefined ? '' : `-slice${String(it.slice).padStart(3, '0')}`);
          const seen = stems.get(stem) ?? 0;
          stems.set(stem, seen + 1);
          if (seen > 0) stem = `${stem}-${seen}`;
          const file = join(outDir, `${stem}.png`);
          await writePng(file, toPng(image));
          results.push({ input: it.path, ...(it.slice === undefined ? {} : { slice: it.slice }), output: file });
          if (results.length <= GALLERY_LIMIT) await writePreview(run.path('previews', `${stem}.png`), toPng(it.image));
          if (grid.length < 16) {
            grid.push({ image: { width: s, height: s, channels: 1, layout: 'chw', data: it.image.data }, title: `${basename(stem)} (${from})`, range: [0, 1] });
            grid.push({ image: { width: s, height: s, channels: 1, layout: 'chw', data: Float32Array.from(image.data) }, title: `→ ${to}`, range: [0, 1] });
          }
        }
      }
      await run.figures.add(imageGrid, 'translations', { images: grid }, { columns: 4, cellWidth: 128 }, `Inputs (${from}) and their translations to ${to}, epoch ${model.epoch} weights.`);
      const json = { model: resolve(o.model), direction, from, to, epoch: model.epoch, size: s, count: results.length, images: results };
      const summary: ReportSummary = {
        verdict: `${results.length} image${results.length === 1 ? '' : 's'} translated from ${from} to ${to} with the epoch-${model.epoch} generator (${s}×${s} px).`,
        facts: [
          { label: 'Images', value: results.length },
          { label: 'Direction', value: `${from} → ${to}`, note: direction },
          { label: 'Weights', value: `epoch ${model.epoch}`, note: o.weights },
        ],
        galleries: [{
          caption: `Input (${from}) and translation (${to})${results.length > GALLERY_LIMIT ? `, first ${GALLERY_LIMIT} of ${results.length}` : ''}`,
          columns: 2,
          items: results.slice(0, GALLERY_LIMIT).map((r) => {
            const stem = basename(r.output, '.png');
            return { title: stem, images: [{ file: join('previews', `${stem}.png`), label: from }, { file: join('translated', `${stem}.png`), label: to }] };
          }),
        }],
      };
      return { summary, json, text: `cyclegan translate: ${results.length} image(s) ${from} → ${to}, PNGs in ${outDir}` };
    } finally {
      model.dispose();
    }
  },
});
