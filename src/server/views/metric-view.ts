// The metric-learning views of kensa serve, computed in a worker process: every tile of a run's
// images embedded by its model, with its nearest class centroid, its distances to all centroids,
// its unknown score against the model's threshold, and a PCA map of tiles and centroids (the
// scatter); and, for one tile, its Grad-CAM for the predicted class (the tile inspector).
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { tidy } from '../../engine/index.js';
import type { Module } from '../../nn/index.js';
import { loadImage } from '../../data/index.js';
import { computeCam, defaultCamLayer } from '../../methods/cam/index.js';
import { classCentroids, nearestCentroid } from '../../methods/metric-learning/centroids.js';
import { row, squaredDistance, normalizeRows, type Matrix } from '../../methods/metric-learning/matrix.js';
import { loadModel } from '../../methods/metric-learning/model-store.js';
import { pca2 } from '../../methods/metric-learning/projection.js';
import { unknownScore } from '../../methods/metric-learning/scores/index.js';
import { argmaxRows, headLogits, predict, tileBatch } from '../../methods/metric-learning/trainer.js';
import { loadTileSet, type TileImage } from '../../methods/metric-learning/tile-data.js';
import { blendHeatmap } from '../../report/figures/heatmap-overlay.js';
import { InputError } from '../../util/errors.js';
import { pngDataUrl } from './png-data.js';
import { readRunJson, runConfig } from './view-files.js';

/** Largest side of an image as sent to the browser (its tile boxes are scaled alike). */
const DISPLAY_SIDE = 512;

export interface MetricTileView {
  image: number;
  /** Box in the displayed image's pixels. */
  box: { x: number; y: number; width: number; height: number };
  /** Class of the tile's image (its folder), or -1. */
  label: number;
  /** Closed-set class from the head's logits. */
  predicted: number;
  /** Nearest class centroid and the Euclidean distance to it (normalised embeddings for metric heads). */
  nearest: number;
  distance: number;
  /** Distance to every class centroid. */
  distances: number[];
  /** The model's unknown score (higher = more unknown) and whether it passes the threshold. */
  score: number;
  unknown: boolean;
  /** PCA coordinates. */
  x: number;
  y: number;
}

export interface MetricOverview {
  classes: string[];
  head: string;
  scoreName: string;
  threshold: number;
  images: { name: string; label: number; width: number; height: number; scale: number; png: string }[];
  tiles: MetricTileView[];
  centroids: { label: string; x: number; y: number }[];
}

interface MetricSource {
  modelDir: string;
  images: TileImage[];
}

/** Model folder and images of a metric train run (its test, then validation images) or of a metric identify run (its images). */
export function metricSource(runDir: string): MetricSource {
  const cfg = runConfig(runDir);
  if (cfg?.name === 'metric identify') {
    const m = cfg.options.model;
    if (typeof m !== 'string') throw new InputError(resolve(runDir, 'config.json'), 'names no model');
    const modelDir = isAbsolute(m) ? m : resolve(m);
    const { classes } = readRunJson<{ classes: string[] }>(modelDir, 'model.json');
    const { images } = readRunJson<{ images: { path: string }[] }>(runDir, 'metrics.json');
    return { modelDir, images: images.map((i) => ({ path: i.path, label: classes.indexOf(basename(dirname(i.path))) })) };
  }
  const split = readRunJson<{ classes: string[]; test: string[]; val: string[] }>(runDir, 'split.json');
  const paths = [...split.test, ...split.val];
  return { modelDir: runDir, images: paths.map((p) => ({ path: p, label: split.classes.indexOf(basename(dirname(p))) })) };
}

/** Most images one overview embeds (the rest are left out of the views). */
const MAX_IMAGES = 60;

export async function metricOverview(runDir: string): Promise<MetricOverview> {
  const src = metricSource(runDir);
  const images = src.images.slice(0, MAX_IMAGES);
  if (images.length === 0) throw new InputError(runDir, 'lists no images to inspect');
  const { meta, net, reference } = loadModel(src.modelDir);
  try {
    const set = await loadTileSet(images, meta.tiling);
    const p = predict(net, set, { norm: meta.norm });
    const normalize = net.head.normalizesEmbeddings;
    const scoreName = meta.score;
    const threshold = meta.thresholds[scoreName];
    const scores = unknownScore(scoreName).fit({ embeddings: reference.embeddings, logits: headLogits(net, reference.embeddings), labels: reference.labels, numClasses: meta.classes.length, normalize })(p);
    const cc = classCentroids(reference.embeddings, reference.labels, meta.classes.length, normalize);
    const near = nearestCentroid(cc, p.embeddings);
    const pred = argmaxRows(p.logits);
    const shown: Matrix = normalize ? normalizeRows(p.embeddings) : p.embeddings;
    const proj = pca2(shown, cc.centroids);
    const scales = set.imageSizes.map((s) => Math.min(1, DISPLAY_SIDE / Math.max(s.width, s.height)));
    const out: MetricOverview = {
      classes: meta.classes, head: meta.net.head, scoreName, threshold,
      images: await Promise.all(images.map(async (im, i) => {
        const img = await loadImage(im.path, { channels: 'grey' });
        const s = scales[i];
        const w = Math.max(1, Math.round(img.width * s));
        const h = Math.max(1, Math.round(img.height * s));
        const small = s === 1 ? img.data : resample(img.data, img.width, img.height, w, h);
        return { name: basename(im.path), label: im.label, width: w, height: h, scale: s, png: await pngDataUrl({ width: w, height: h, channels: 1, data: small }) };
      })),
      tiles: [],
      centroids: meta.classes.map((label, c) => ({ label, x: proj.extra!.x[c], y: proj.extra!.y[c] })),
    };
    for (let t = 0; t < set.count; t++) {
      const b = set.tiles[t];
      const s = scales[set.source[t]];
      const e = row(shown, t);
      out.tiles.push({
        image: set.source[t],
        box: { x: b.x * s, y: b.y * s, width: b.width * s, height: b.height * s },
        label: set.labels[t],
        predicted: pred[t],
        nearest: near.labels[t],
        distance: near.distances[t],
        distances: meta.classes.map((_, c) => Math.sqrt(squaredDistance(e, row(cc.centroids, c)))),
        score: scores[t],
        unknown: scores[t] > threshold,
        x: proj.points.x[t],
        y: proj.points.y[t],
      });
    }
    return out;
  } finally {
    net.dispose();
  }
}

export interface TileCam {
  /** The tile as the network saw it (downsampled) and its Grad-CAM overlay, PNG data URLs. */
  tile: string;
  cam: string;
  /** Class explained (the predicted one) and the layer. */
  target: number;
  layer: string;
  /** Side of the stored tile. */
  size: number;
}

/** Grad-CAM of tile `index` (numbered as in metricOverview) for its predicted class. */
export async function metricTileCam(runDir: string, index: number): Promise<TileCam> {
  const src = metricSource(runDir);
  const images = src.images.slice(0, MAX_IMAGES);
  const { meta, net } = loadModel(src.modelDir);
  try {
    const set = await loadTileSet(images, meta.tiling);
    if (!Number.isInteger(index) || index < 0 || index >= set.count) throw new RangeError(`tile ${index} is not one of the ${set.count} tiles`);
    const t = set.size;
    // the backbone's own default layer (its last conv block), as a path from the MetricNet
    const inner = (net.backbone as unknown as { net?: Module }).net;
    const layer = inner ? `backbone.net.${defaultCamLayer(inner)}` : defaultCamLayer(net);
    const { map, target } = tidy(() => {
      const x = tileBatch(set, [index], { norm: meta.norm });
      const r = computeCam(net, x, { method: 'gradcam', layers: layer });
      return { map: Float32Array.from(r.maps.data() as Float32Array), target: r.classes![0] };
    });
    const tilePx = set.data.slice(index * t * t, (index + 1) * t * t);
    const grey = { width: t, height: t, channels: 1, data: tilePx };
    const overlay = blendHeatmap(grey, { width: t, height: t, channels: 1, data: map }, { alpha: 0.5 });
    return { tile: await pngDataUrl(grey, range(tilePx)), cam: await pngDataUrl({ width: t, height: t, channels: 4, data: overlay }), target, layer, size: t };
  } finally {
    net.dispose();
  }
}

function range(d: Float32Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of d) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  return [lo, hi];
}

/** Nearest-neighbour resampling of a grey plane (display only). */
function resample(d: ArrayLike<number>, w: number, h: number, W: number, H: number): Float32Array {
  const out = new Float32Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) out[y * W + x] = d[Math.min(h - 1, Math.floor((y * h) / H)) * w + Math.min(w - 1, Math.floor((x * w) / W))];
  return out;
}
