// Scores a folder of predicted label PNGs against BSDS500-style ground truth (`<id>_<k>.png`, one
// file per annotator k = 0, 1, ...): best-match mIoU (Kim et al. 2020), PRI and VoI (Arbelaez et
// al., TPAMI 2011).
//
// How segments are matched and annotators combined (conventions of src/metrics/best-match-miou.ts):
// - mIoU: each ground-truth segment is matched to the predicted segment of highest IoU; "all"
//   pools the best IoUs of every segment of every annotator of every image into one mean (the
//   authors' script); "fine"/"coarse" use per image only the annotator with the most/fewest segments.
// - PRI: Rand index averaged over the image's annotators, then over images.
// - VoI: H(P|G) + H(G|P) averaged over annotators, then over images (log base 2 by default, as the
//   BSDS benchmark code).
// - With relabelling (the default, as the TIP protocol), every predicted segment is first split
//   into its 4-connected components, and all three metrics see that split map.
import { existsSync, readdirSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { bestMatchMiou, datasetMiou, type BestMatchMiouResult } from '../../metrics/best-match-miou.js';
import { connectedComponents } from '../../metrics/connected-components.js';
import { countSegments, type LabelMap } from '../../metrics/label-map.js';
import { probabilisticRandIndex } from '../../metrics/rand-index.js';
import { meanVariationOfInformation } from '../../metrics/variation-of-information.js';
import { InputError } from '../../util/errors.js';
import { readLabelPng } from './label-output.js';

/** Options of {@link evaluateFolder}. */
export interface EvaluateFolderOptions {
  /** Split predicted segments into connected components before scoring. @default true */
  relabel?: boolean;
  /** Connectivity of that split. @default 4 */
  connectivity?: 4 | 8;
  /** Logarithm base of VoI. @default 2 */
  voiLogBase?: number;
  /** Called after each image. @default none */
  onImage?: (done: number, total: number) => void;
}

/** Scores of one image. */
export interface ImageScores {
  id: string;
  annotators: number;
  /** Predicted segments after the optional relabelling. */
  segments: number;
  miou: number;
  miouFine: number;
  miouCoarse: number;
  pri: number;
  voi: number;
}

/** Dataset scores; mIoU values are pooled over ground-truth segments, PRI and VoI are image means. */
export interface FolderScores {
  n: number;
  mIoU: number;
  mIoUFine: number;
  mIoUCoarse: number;
  PRI: number;
  VoI: number;
  /** Mean predicted segments per image (after relabelling). */
  meanSegments: number;
  relabel: boolean;
  /** Predictions without ground truth (not scored). */
  unmatched: string[];
  perImage: ImageScores[];
}

/** The ground-truth maps `<id>_0.png`, `<id>_1.png`, ... of one image (empty when none). */
export async function readGroundTruths(gtDir: string, id: string): Promise<LabelMap[]> {
  const out: LabelMap[] = [];
  for (let k = 0; existsSync(join(gtDir, `${id}_${k}.png`)); k++) out.push(await readLabelPng(join(gtDir, `${id}_${k}.png`)));
  return out;
}

/** Scores every `<id>.png` of predDir that has ground truth in gtDir. */
export async function evaluateFolder(predDir: string, gtDir: string, options: EvaluateFolderOptions = {}): Promise<FolderScores> {
  const relabel = options.relabel ?? true;
  const connectivity = options.connectivity ?? 4;
  const voiBase = options.voiLogBase ?? 2;
  for (const [dir, what] of [[predDir, 'prediction'], [gtDir, 'ground-truth']] as const) {
    if (!existsSync(dir)) throw new InputError(dir, `no such ${what} folder`);
  }
  const preds = readdirSync(predDir).filter((f) => extname(f).toLowerCase() === '.png').sort();
  if (preds.length === 0) throw new InputError(predDir, 'holds no PNG label map');
  const perImage: ImageScores[] = [];
  const pooled: { all: BestMatchMiouResult[]; fine: BestMatchMiouResult[]; coarse: BestMatchMiouResult[] } = { all: [], fine: [], coarse: [] };
  const unmatched: string[] = [];
  for (const f of preds) {
    const id = basename(f, '.png');
    const gts = await readGroundTruths(gtDir, id);
    if (gts.length === 0) {
      unmatched.push(f);
      continue;
    }
    const path = join(predDir, f);
    const raw = await readLabelPng(path);
    if (raw.width !== gts[0].width || raw.height !== gts[0].height) {
      throw new InputError(path, `is ${raw.width}x${raw.height} but its ground truth ${id}_0.png is ${gts[0].width}x${gts[0].height}`);
    }
    const pred = relabel ? connectedComponents(raw, { connectivity }).map : raw;
    const m = { relabelPrediction: false };
    const all = bestMatchMiou(pred, gts, { ...m, annotators: 'all' });
    const fine = bestMatchMiou(pred, gts, { ...m, annotators: 'fine' });
    const coarse = bestMatchMiou(pred, gts, { ...m, annotators: 'coarse' });
    pooled.all.push(all);
    pooled.fine.push(fine);
    pooled.coarse.push(coarse);
    perImage.push({
      id,
      annotators: gts.length,
      segments: countSegments(pred),
      miou: all.miou,
      miouFine: fine.miou,
      miouCoarse: coarse.miou,
      pri: probabilisticRandIndex(pred, gts),
      voi: meanVariationOfInformation(pred, gts, { logBase: voiBase }),
    });
    options.onImage?.(perImage.length, preds.length);
  }
  if (perImage.length === 0) throw new InputError(gtDir, `holds no ground truth <id>_<k>.png for any of the ${preds.length} predictions in ${predDir}`);
  const mean = (k: 'pri' | 'voi' | 'segments'): number => perImage.reduce((a, p) => a + p[k], 0) / perImage.length;
  return {
    n: perImage.length,
    mIoU: datasetMiou(pooled.all),
    mIoUFine: datasetMiou(pooled.fine),
    mIoUCoarse: datasetMiou(pooled.coarse),
    PRI: mean('pri'),
    VoI: mean('voi'),
    meanSegments: mean('segments'),
    relabel,
    unmatched,
    perImage,
  };
}
