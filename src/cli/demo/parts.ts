// The five parts of `kensa demo`, each a short run of one method family through its own commands,
// on embedded real data (Debian's mricron-data and python3-skimage files) or, with --data, on the
// real datasets of ../shared/data's layout.
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { metricOpensetEvalCommand } from '../commands/metric-openset-eval.js';
import { classifyTrainCommand } from '../commands/classify-train.js';
import { cycleganTrainCommand } from '../commands/cyclegan-train.js';
import { explainCommand } from '../commands/explain.js';
import { transferPretrainCommand } from '../commands/transfer-pretrain.js';
import { transferEvaluateCommand } from '../commands/transfer-evaluate.js';
import { segmentTrainCommand } from '../commands/segment-train.js';
import { segAbilityCommand } from '../commands/seg-ability.js';
import { segmentCommand } from '../commands/segment.js';
import { writeTextureClasses, writeMosaics, writePhotos } from '../../methods/demo/image-sets.js';
import { writeSkullSlabs, writeBrainMaskSlices, writeHemispheres } from '../../methods/demo/brain-sets.js';
import { evaluateFolder, readGroundTruths } from '../../methods/unsupervised-seg/evaluate-folder.js';
import { readLabelPng, writeLabelPng } from '../../methods/unsupervised-seg/label-output.js';
import { parseMaskValues } from '../../methods/segmentation/mask-values.js';
import { loadMask } from '../../data/image-load.js';
import { dice } from '../../metrics/dice.js';
import { InputError } from '../../util/errors.js';
import type { DemoPart, PartContext, PartOutcome } from './part.js';

const tiny = (c: PartContext): boolean => c.budget === 'tiny';

/** A dataset folder under --data, or an error naming it. */
function realDir(c: PartContext, name: string): string {
  const d = join(c.data!, name);
  if (!existsSync(d)) throw new InputError(d, `not found (--data expects the ../shared/data layout: a '${name}' folder)`);
  return d;
}

/** The first figure file of a run whose name starts with `prefix`. */
function figure(runDir: string, prefix: string): string | undefined {
  const dir = join(runDir, 'figures');
  const f = existsSync(dir) ? readdirSync(dir).sort().find((n) => n.startsWith(prefix)) : undefined;
  return f === undefined ? undefined : join(dir, f);
}

interface OpensetJson {
  classes: string[];
  heads: Record<string, { closedSetTileAccuracy: number; auroc: Record<string, number> }>;
}

const metricPart: DemoPart = {
  name: 'metric',
  title: 'Metric learning and unknown-material detection',
  needs: ['skimage'],
  async run(c) {
    let args: string[];
    let unknown: string;
    let source: string;
    if (c.data) {
      unknown = 'NCM811';
      source = `SEM images of four NCM cathode powders (${realDir(c, 'sem-ncm')}); ${unknown} held out as the unknown material`;
      // the bottom rows hold the microscope's info bar, which names the material: cropped off
      args = ['--data', realDir(c, 'sem-ncm'), '--crop', '0,0,1280,894', '--epochs', tiny(c) ? '1' : '4'];
    } else {
      const data = join(c.dir, 'data');
      await writeTextureClasses(data);
      unknown = 'gravel';
      source = "scikit-image's brick, grass and gravel textures and its cell micrograph (python3-skimage), each cut into 16 blocks of 128 px split by position; gravel held out as the unknown";
      args = ['--data', data, '--crop', 'none', '--tile-size', '64', '--stride', '32', '--downsample', '2', '--guard', '0', '--batch-size', '16', '--epochs', tiny(c) ? '4' : '10'];
    }
    const out = join(c.dir, 'openset-eval');
    const r = await c.invoke(metricOpensetEvalCommand, [...args, '--hold-out', unknown, '--heads', 'arcface', '--out', out]);
    const j = r.result.json as OpensetJson;
    const h = j.heads.arcface;
    const known = j.classes.length - 1;
    return {
      // Mahalanobis: of the scores, the one that stayed clear of chance over threads and budgets
      // here (0.69-0.90); centroid distance ranged 0.45-0.74. Every score is in the part's report.
      headline: { label: `unknown-class tile AUROC (${unknown} held out; ArcFace, Mahalanobis score)`, value: h.auroc.mahalanobis, control: 0.5, controlLabel: 'chance' },
      facts: [
        { label: 'Closed-set tile accuracy', value: `${(h.closedSetTileAccuracy * 100).toFixed(1)} %`, note: `chance ${(100 / known).toFixed(1)} % (${known} known classes)` },
        ...Object.entries(h.auroc).filter(([k]) => k !== 'mahalanobis').map(([k, v]) => ({ label: `AUROC, ${k}`, value: Number(v.toFixed(3)) })),
      ],
      report: r.report!,
      runs: [out],
      thumbnail: figure(out, 'embedding-pca'),
      source,
    };
  },
};

interface ClassifyJson {
  test: { accuracy: number; count: number; groups: number };
  classes: string[];
}
interface ExplainJson {
  directions: { from: string; to: string; flipRate: number }[];
}

const explainPart: DemoPart = {
  name: 'explain',
  title: 'Classifier, CycleGAN translation and CAM explanation',
  needs: ['mricron'],
  async run(c) {
    let data: string;
    let view: string[];
    let ab: string[];
    let source: string;
    if (c.data) {
      data = realDir(c, 'ixi-t1-age');
      view = ['--size', '64', '--slices', '0.45:0.55', '--slice-step', '2'];
      ab = ['--a', 'young', '--b', 'old'];
      source = `IXI T1 volumes of young and old subjects (${data}), axial slices, split by subject`;
    } else {
      data = join(c.dir, 'data');
      await writeSkullSlabs(data, { slices: 3, zRange: [30, 160] });
      view = ['--size', '64', '--slices', '0:1'];
      ab = ['--a', 'head', '--b', 'brain'];
      source = "mricron-data's Colin27 T1 as scanned ('head') and brain-extracted ('brain'), 2 mm axial slabs of 3 slices (each slab one group); the groups differ by scalp and skull";
    }
    const split = ['--val-fraction', '0.2', '--test-fraction', '0.3'];
    const cls = join(c.dir, 'classify');
    const gan = join(c.dir, 'cyclegan');
    const exp = join(c.dir, 'explain');
    const rc = await c.invoke(classifyTrainCommand, ['--data', data, ...view, ...split, '--epochs', tiny(c) ? '6' : '12', '--batch-size', '8', '--out', cls]);
    await c.invoke(cycleganTrainCommand, ['--data', data, ...ab, ...view, ...split, '--epochs', tiny(c) ? '1' : '3', '--decay-epochs', tiny(c) ? '0' : '1', '--ngf', '16', '--ndf', '16', '--blocks', '3', '--max-per-epoch', tiny(c) ? '10' : '20', '--samples', '2', '--out', gan]);
    const re = await c.invoke(explainCommand, ['--classifier', cls, '--cyclegan', gan, '--data', data, '--samples', '3', '--out', exp]);
    const cj = rc.result.json as ClassifyJson;
    const ej = re.result.json as ExplainJson;
    return {
      headline: { label: `classifier accuracy on held-apart ${c.data ? 'subjects' : 'slabs'} (${cj.test.count} slices, ${cj.test.groups} groups)`, value: cj.test.accuracy, control: 1 / cj.classes.length, controlLabel: 'chance' },
      facts: ej.directions.map((d) => ({ label: `Flip rate ${d.from} → ${d.to}`, value: `${(d.flipRate * 100).toFixed(0)} %`, note: 'translated images the classifier now puts in the other class' })),
      report: re.report!,
      runs: [cls, gan, exp],
      thumbnail: figure(exp, 'samples-'),
      source,
    };
  },
};

interface PretrainJson {
  test: { top1: number; count: number };
  classes: string[];
}
interface EvaluateJson {
  counts: number[];
  tasks: Record<string, { classNames: string[]; auc: Record<string, number[]> }>;
}

const transferPart: DemoPart = {
  name: 'transfer',
  title: 'Landmark pretraining and AdaBoost transfer',
  needs: ['mricron'],
  async run(c) {
    let pre: string[];
    let source: string;
    if (c.data) {
      const d = realDir(c, 'ixi-t1-regions');
      pre = ['--data', d, '--classes', '30', '--epochs', tiny(c) ? '1' : '4'];
      source = `16 IXI T1 volumes with DLMUSE region labels (${d}), split by subject`;
    } else {
      const d = join(c.dir, 'data');
      await writeHemispheres(d);
      pre = ['--data', d, '--label-suffix', '_aal', '--names', 'names.txt', '--classes', '20', '--repeat', tiny(c) ? '6' : '16', '--jitter', '3', '--epochs', tiny(c) ? '4' : '10', '--val-fraction', '0.01', '--test-fraction', '0.5'];
      source = "mricron-data's Colin27 T1 with the AAL atlas, as two subjects: the left hemisphere and the mirrored right one (pretrained on one, tested on the other)";
    }
    const pt = join(c.dir, 'pretrain');
    const ev = join(c.dir, 'evaluate');
    const rp = await c.invoke(transferPretrainCommand, [...pre, '--out', pt]);
    const re = await c.invoke(transferEvaluateCommand, ['--model', pt, '--tasks', 'structures,lesions', '--per-volume', '30', '--labels', '10', '--seeds', tiny(c) ? '2' : '3', '--learners', '50', '--resamples', '100', '--out', ev]);
    const pj = rp.result.json as PretrainJson;
    const ej = re.result.json as EvaluateJson;
    const s = ej.tasks.structures;
    const last = (k: string): number => s.auc[k][s.auc[k].length - 1];
    const n = ej.counts[ej.counts.length - 1];
    return {
      headline: { label: `AdaBoost AUC on landmark features, ${s.classNames.join(' vs ')} (${n} learners)`, value: last('landmark'), control: 0.5, controlLabel: 'chance' },
      facts: [
        { label: 'Landmark top-1 on the held-apart subject', value: `${(pj.test.top1 * 100).toFixed(1)} %`, note: `chance ${(100 / pj.classes.length).toFixed(1)} %` },
        ...Object.keys(s.auc).filter((k) => k !== 'landmark').map((k) => ({ label: `AUC, ${k} features`, value: Number(last(k).toFixed(3)) })),
        ...Object.entries(ej.tasks).filter(([t]) => t !== 'structures').map(([t, v]) => ({ label: `AUC on ${t}, landmark features`, value: Number(v.auc.landmark[v.auc.landmark.length - 1].toFixed(3)) })),
      ],
      report: re.report!,
      runs: [pt, ev],
      thumbnail: figure(ev, 'auc-structures'),
      source,
    };
  },
};

interface SegTrainJson {
  test: { meanDice: number; images: { image: string; dice: number }[] };
}

/** Mean Dice of predicting every pixel as foreground, over the named masks (the stronger of the two trivial maps; a blank map scores 0). */
async function allForegroundDice(maskDir: string, stems: string[], maskValues: string): Promise<number> {
  let sum = 0;
  for (const s of stems) {
    const file = readdirSync(maskDir).find((f) => f.replace(/\.[^.]+$/, '') === s);
    if (file === undefined) throw new InputError(join(maskDir, s), 'mask not found');
    const m = await loadMask(join(maskDir, file), { values: parseMaskValues(maskValues) });
    const truth = Uint8Array.from(m.data, (v) => (v === 1 ? 1 : 0));
    sum += dice(new Uint8Array(truth.length).fill(1), truth);
  }
  return stems.length ? sum / stems.length : NaN;
}

const segAbilityPart: DemoPart = {
  name: 'seg-ability',
  title: 'U-Net segmentation and its segmentation-ability map',
  needs: ['mricron'],
  async run(c) {
    let images: string;
    let masks: string;
    let maskValues: string;
    let net: string[];
    let source: string;
    if (c.data) {
      const d = realDir(c, 'em-isbi2012');
      [images, masks] = [join(d, 'images'), join(d, 'labels')];
      maskValues = '0:1,255:0';
      net = ['--depth', '4', '--width', '8', '--patch-size', '128', '--window', '256', '--epochs', tiny(c) ? '1' : '4'];
      source = `ISBI 2012 EM slices with membrane labels (${d})`;
    } else {
      const d = join(c.dir, 'data');
      [images, masks] = [join(d, 'images'), join(d, 'masks')];
      await writeBrainMaskSlices(images, masks);
      maskValues = '>127';
      net = ['--depth', '3', '--width', '8', '--patch-size', '64', '--window', '64', '--epochs', tiny(c) ? '3' : '8'];
      source = "mricron-data's Colin27 T1, 31 axial slices at 2 mm, with the brain mask of its brain-extracted T1 (ch2bet > 0)";
    }
    const st = join(c.dir, 'segment-train');
    const sa = join(c.dir, 'seg-ability');
    const rt = await c.invoke(segmentTrainCommand, ['--images', images, '--masks', masks, '--mask-values', maskValues, ...net, '--patches-per-image', '4', '--batch-size', '8', '--out', st]);
    const ra = await c.invoke(segAbilityCommand, ['--model', st, '--images', images, '--masks', masks, '--subset', 'test', '--out', sa]);
    const tj = rt.result.json as SegTrainJson;
    const control = await allForegroundDice(masks, tj.test.images.map((i) => i.image), maskValues);
    return {
      headline: { label: `U-Net test Dice (${tj.test.images.length} held-apart images)`, value: tj.test.meanDice, control, controlLabel: 'all-foreground map (a blank map: 0)' },
      report: ra.report!,
      runs: [st, sa],
      thumbnail: figure(sa, 'sa-per-layer'),
      source,
    };
  },
};

/** A single segment per ground-truth image, written as label PNGs (the negative control). */
async function singleSegments(gtDir: string, ids: string[], dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (const id of ids) {
    const [gt] = await readGroundTruths(gtDir, id);
    await writeLabelPng(join(dir, `${id}.png`), { width: gt.width, height: gt.height, data: new Int32Array(gt.width * gt.height) });
  }
}

const segmentPart: DemoPart = {
  name: 'segment',
  title: 'Unsupervised segmentation',
  needs: ['skimage'],
  async run(c) {
    let images: string;
    let gt: string;
    let extra: string[];
    let source: string;
    if (c.data) {
      const d = realDir(c, 'bsds500');
      [images, gt] = [join(d, 'val', 'images'), join(d, 'val', 'ground-truth')];
      extra = ['--limit', tiny(c) ? '1' : '3', '--max-iterations', tiny(c) ? '10' : '60'];
      source = `BSDS500 validation photographs with human segmentations (${d})`;
    } else {
      const d = join(c.dir, 'data');
      [images, gt] = [join(d, 'images'), join(d, 'ground-truth')];
      await writeMosaics(images, gt, { count: tiny(c) ? 1 : 2, seed: c.seed });
      if (!tiny(c)) await writePhotos(images, 128);
      extra = ['--max-iterations', tiny(c) ? '15' : '40'];
      source = "scikit-image's textures in seeded Voronoi mosaics (the region map known by construction; the only generated part is the layout), and its astronaut, coffee and chelsea photographs (no ground truth)";
    }
    const out = join(c.dir, 'segment');
    const r = await c.invoke(segmentCommand, [images, '--channels', '32', ...extra, '--out', out]);
    const scored = await evaluateFolder(join(out, 'labels'), gt);
    const ids = scored.perImage.map((p) => p.id);
    await singleSegments(gt, ids, join(c.dir, 'single-segment'));
    const control = await evaluateFolder(join(c.dir, 'single-segment'), gt);
    const overlays = join(out, 'overlays');
    const first = existsSync(overlays) ? readdirSync(overlays).sort().find((f) => ids.includes(f.replace(/\.png$/, ''))) : undefined;
    return {
      headline: { label: `best-match mIoU against the region maps (${scored.n} image${scored.n === 1 ? '' : 's'})`, value: scored.mIoU, control: control.mIoU, controlLabel: 'a single segment' },
      facts: [{ label: 'Segments per image', value: Number(scored.meanSegments.toFixed(1)), note: 'after connected-component relabelling' }],
      report: r.report!,
      runs: [out],
      thumbnail: first === undefined ? undefined : join(overlays, first),
      source,
    };
  },
};

/** The parts in the demo's order. */
export const DEMO_PARTS: readonly DemoPart[] = [metricPart, explainPart, transferPart, segAbilityPart, segmentPart];

export type { PartOutcome };
