// kensa eval-segmentation: scores a folder of predicted label PNGs against BSDS500-style ground
// truth (<id>_<k>.png per annotator) with best-match mIoU (Kim et al. 2020), PRI and VoI
// (Arbelaez et al., TPAMI 2011); the matching and pooling conventions are in
// src/methods/unsupervised-seg/evaluate-folder.ts.
import { defineCommand } from '../command.js';
import { evaluateFolder } from '../../methods/unsupervised-seg/evaluate-folder.js';
import { OptionError } from '../../util/errors.js';

export interface EvalSegmentationOptions {
  /** Folder of predicted label PNGs named <id>.png. */ pred: string;
  /** Folder of ground truth <id>_<k>.png. */ gt: string;
  /** Split predicted segments into connected components first. @default true */ relabel: boolean;
  /** Connectivity of that split. @default 4 */ connectivity: number;
  /** Logarithm base of VoI. @default 2 */ voiLogBase: number;
  /** Include per-image scores in the JSON. @default false */ perImage: boolean;
}

export const evalSegmentationCommand = defineCommand<EvalSegmentationOptions>({
  name: 'eval-segmentation',
  summary: 'score predicted label PNGs against BSDS500-style ground truth (mIoU, PRI, VoI)',
  options: {
    pred: { kind: 'string', description: 'folder of predicted label PNGs <id>.png', required: true, placeholder: 'DIR' },
    gt: { kind: 'string', description: 'folder of ground truth <id>_<k>.png, one per annotator', required: true, placeholder: 'DIR' },
    relabel: { kind: 'boolean', description: 'split predicted segments into connected components first (TIP protocol)', default: true },
    connectivity: { kind: 'integer', description: 'connectivity of that split (4 or 8)', default: 4, min: 4, max: 8 },
    voiLogBase: { kind: 'number', description: 'logarithm base of VoI (2 = bits, as the BSDS benchmark)', default: 2, min: 1.000001 },
    perImage: { kind: 'boolean', description: 'include per-image scores in the JSON', default: false },
  },
  async run(o, _args, ctx) {
    const started = Date.now();
    if (o.connectivity !== 4 && o.connectivity !== 8) {
      throw new OptionError('--connectivity', `expected 4 or 8, got ${o.connectivity}`);
    }
    let bar: ReturnType<typeof ctx.progress> | undefined;
    const s = await evaluateFolder(o.pred, o.gt, {
      relabel: o.relabel,
      connectivity: o.connectivity,
      voiLogBase: o.voiLogBase,
      onImage: (done, total) => {
        bar ??= ctx.progress({ label: 'evaluating', total, unit: 'images' });
        bar.tick(1);
      },
    });
    bar?.done(`${s.n} images`);
    if (s.unmatched.length > 0) ctx.log(`eval-segmentation: ${s.unmatched.length} prediction(s) without ground truth skipped (${s.unmatched.slice(0, 3).join(', ')}${s.unmatched.length > 3 ? ', ...' : ''})`);
    const { perImage, ...summary } = s;
    const json = { ...summary, ...(o.perImage ? { perImage } : {}), ms: Date.now() - started };
    const text = `${s.n} images: mIoU ${s.mIoU.toFixed(4)} (fine ${s.mIoUFine.toFixed(4)}, coarse ${s.mIoUCoarse.toFixed(4)}), PRI ${s.PRI.toFixed(4)}, VoI ${s.VoI.toFixed(4)}, ${s.meanSegments.toFixed(1)} segments/image${s.relabel ? ' after connected-component relabelling' : ''}`;
    return { json, text };
  },
});
