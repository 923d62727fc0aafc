// One image of `kensa segment` from file to outputs: read, segment (feature clustering, a
// reference-mode network or a baseline), then the label PNG, overlay, preview and a per-image JSON
// record, written in that order (each atomically), so a record on disk means the image is done.
// The same function runs in-process and in the folder workers (segment-workers.ts).
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { manualSeed } from '../../engine/index.js';
import { UnsupSegNet } from '../../models/unsup-seg-net.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { writePreview } from '../../report/summary.js';
import { segmentationBaseline } from './baselines/registry.js';
import { segmentByFeatureClustering, type IterationStats } from './feature-clustering.js';
import { readSegmentationInput } from './image-input.js';
import { readLabelPng, writeLabelPng, writeLiveFrame, writeOverlayPng } from './label-output.js';
import { applyReference } from './reference-mode.js';
import type { ScribbleMask } from './scribble.js';

export const IMAGE_RECORD_FORMAT = 'kensa-segment-image/1';

/** Everything that decides an image's labels (a record made with other settings is not reused by --resume). */
export interface SegmentImageSettings {
  /** 'feature-clustering', 'reference-apply' (with `weights`) or a baseline's registry name. */
  method: string;
  channels: number;
  nConv: number;
  maxIterations: number;
  minLabels: number;
  lr: number;
  momentum: number;
  muSim: number;
  muCon: number;
  muScribble: number;
  seed: number;
  /** Reference-mode weights applied to every image (method 'reference-apply'). @default none */
  weights?: string;
  /** Scribble mask file (its mask is given in the hooks). @default none */
  scribble?: string;
}

/** Where one run writes: labels/, overlays/, previews/, live/ and images/ (the per-image records). */
export interface SegmentOutputDirs {
  labels: string;
  overlays: string;
  previews: string;
  live: string;
  records: string;
}

/** One image to segment. */
export interface ImageJob {
  image: string;
  /** Output file stem (unique within the run). */
  name: string;
  /** Position in the run (0-based); previews are written for the first `previewLimit`. */
  index: number;
}

/** What one image gave (also its record's body). */
export interface ImageOutcome {
  image: string;
  name: string;
  width: number;
  height: number;
  iterations: number;
  labels: number;
  ms: number;
  stoppedEarly?: boolean;
  finalLoss?: number;
  lossHistory?: number[];
  labelCountHistory?: number[];
}

/** Per-call hooks and resources. */
export interface SegmentImageHooks {
  device: string;
  /** Write live/<name>.rgba every N iterations (0: never). @default 0 */
  liveEvery?: number;
  /** Previews for images with index below this. @default Infinity */
  previewLimit?: number;
  /** The reference-mode network (method 'reference-apply'). */
  net?: UnsupSegNet;
  /** The scribble mask of settings.scribble. @default none */
  scribble?: ScribbleMask;
  /** Held while the network's initial weights are drawn from the seeded global generator (folder workers draw one at a time). @default none */
  seedLock?: () => () => void;
  onIteration?: (stats: IterationStats) => void;
}

/** Segments one image and writes its outputs; throws with the file named on bad input. */
export async function segmentImage(job: ImageJob, s: SegmentImageSettings, dirs: SegmentOutputDirs, hooks: SegmentImageHooks): Promise<ImageOutcome> {
  const input = await readSegmentationInput(job.image);
  const { width, height } = input;
  let labels: Int32Array;
  let outcome: ImageOutcome;
  if (s.method === 'reference-apply') {
    if (!hooks.net) throw new Error('segmentImage: reference-apply needs hooks.net');
    const r = applyReference(hooks.net, input.planes, hooks.device);
    labels = r.labels;
    outcome = { image: job.image, name: job.name, width, height, iterations: 0, labels: r.labelCount, ms: r.ms };
  } else if (s.method !== 'feature-clustering') {
    const t0 = Date.now();
    const seg = segmentationBaseline(s.method).segment({ data: input.rgb, width, height });
    labels = seg.data;
    outcome = { image: job.image, name: job.name, width, height, iterations: 0, labels: seg.count, ms: Date.now() - t0 };
  } else {
    // the seeded initial weights, exactly as segmentByFeatureClustering draws them for its own network
    const release = hooks.seedLock?.();
    let net: UnsupSegNet;
    try {
      manualSeed(s.seed);
      net = new UnsupSegNet({ inChannels: input.planes.channels, channels: s.channels, nConv: s.nConv });
      net.to(hooks.device);
    } finally {
      release?.();
    }
    const livePath = join(dirs.live, `${job.name}.rgba`);
    const liveEvery = hooks.liveEvery ?? 0;
    try {
      const r = segmentByFeatureClustering(input.planes, {
        channels: s.channels, nConv: s.nConv, maxIterations: s.maxIterations, minLabels: s.minLabels, lr: s.lr, momentum: s.momentum,
        muSim: s.muSim, muCon: s.muCon, muScribble: s.muScribble, device: hooks.device, net, scribble: hooks.scribble, onIteration: hooks.onIteration,
        ...(liveEvery > 0 ? { liveEvery, onLabels: (it: number, l: Int32Array) => writeLiveFrame(livePath, { data: l, width, height }, input.rgb, it) } : {}),
      });
      if (liveEvery > 0) writeLiveFrame(livePath, { data: r.labels, width, height }, input.rgb, r.iterations);
      labels = r.labels;
      outcome = {
        image: job.image, name: job.name, width, height, iterations: r.iterations, labels: r.labelCount, ms: r.ms, stoppedEarly: r.stoppedEarly,
        finalLoss: r.lossHistory[r.lossHistory.length - 1], lossHistory: r.lossHistory, labelCountHistory: r.labelCountHistory,
      };
    } finally {
      net.dispose();
    }
  }
  const map = { data: labels, width, height };
  await writeLabelPng(join(dirs.labels, `${job.name}.png`), map);
  await writeOverlayPng(join(dirs.overlays, `${job.name}.png`), map, input.rgb);
  if (job.index < (hooks.previewLimit ?? Infinity)) await writePreview(join(dirs.previews, `${job.name}.png`), { data: input.rgb, width, height, channels: 3 });
  await writeFileAtomic(join(dirs.records, `${job.name}.json`), `${JSON.stringify({ format: IMAGE_RECORD_FORMAT, source: resolve(job.image), settings: s, outcome })}\n`);
  return outcome;
}

/**
 * The outcome of an image already done in `dirs` with the same settings (--resume): its record
 * parses, names the same image and settings, and its label PNG reads at the recorded size.
 * Anything else (absent, torn, other settings) answers undefined, and the image is redone.
 */
export async function finishedImage(job: ImageJob, s: SegmentImageSettings, dirs: SegmentOutputDirs): Promise<ImageOutcome | undefined> {
  const recordPath = join(dirs.records, `${job.name}.json`);
  const labelPath = join(dirs.labels, `${job.name}.png`);
  if (!existsSync(recordPath) || !existsSync(labelPath)) return undefined;
  try {
    const rec = JSON.parse(readFileSync(recordPath, 'utf8')) as { format?: unknown; source?: unknown; settings?: unknown; outcome?: ImageOutcome };
    const o = rec.outcome;
    if (rec.format !== IMAGE_RECORD_FORMAT || JSON.stringify(rec.settings) !== JSON.stringify(s) || rec.source !== resolve(job.image) || !o) return undefined;
    o.image = job.image;
    const png = await readLabelPng(labelPath);
    return png.width === o.width && png.height === o.height ? o : undefined;
  } catch {
    return undefined;
  }
}
