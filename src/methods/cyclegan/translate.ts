// Applying trained generators: [0, 1] images in, [0, 1] translations out (the generators work in
// [−1, 1]), in batches without gradients; and the per-epoch sample grid A, G(A), F(G(A)), B, F(B),
// G(F(B)) for the report.
import { cat, noGrad, tidy, type Tensor } from '../../engine/index.js';
import { imageSetBatch, type ImageSet } from '../../data/index.js';
import type { CycleGanGenerator } from '../../models/index.js';
import type { ImageGridData } from '../../report/figures/image-grid.js';
import type { CycleGanNets } from './losses.js';

export const DIRECTIONS = ['a2b', 'b2a'] as const;
export type Direction = (typeof DIRECTIONS)[number];

/** G(x) for x [N,C,H,W] in [0, 1] → [N,C,H,W] in [0, 1], eval mode, no gradients, `batchSize` at a time. */
export function translateImages(g: CycleGanGenerator, images: Tensor, batchSize = 8): Tensor {
  if (images.shape.length !== 4) throw new RangeError(`translate: images must be [N, C, H, W], got [${images.shape.join(', ')}]`);
  const was = g.training;
  g.eval();
  try {
    return noGrad(() =>
      tidy(() => {
        const parts: Tensor[] = [];
        for (let s = 0; s < images.shape[0]; s += batchSize) {
          const x = images.narrow(0, s, Math.min(batchSize, images.shape[0] - s)).mul(2).sub(1);
          parts.push(g.forward(x).add(1).mul(0.5).clamp(0, 1));
        }
        return parts.length === 1 ? parts[0] : cat(parts, 0);
      }),
    );
  } finally {
    g.train(was);
  }
}

/** One row per sample pair: A, G(A), F(G(A)), B, F(B), G(F(B)) (G: A → B, F: B → A). */
export function sampleGrid(nets: CycleGanNets, a: ImageSet, b: ImageSet, names: { a: string; b: string }, count = 3, device = 'cpu'): ImageGridData {
  const n = Math.min(count, a.count, b.count);
  const idx = Array.from({ length: n }, (_, i) => Math.floor((i * a.count) / n));
  const idxB = Array.from({ length: n }, (_, i) => Math.floor((i * b.count) / n));
  const planes = tidy(() => {
    const xa = imageSetBatch(a, idx, { device });
    const xb = imageSetBatch(b, idxB, { device });
    const ga = translateImages(nets.gA2B, xa);
    const fb = translateImages(nets.gB2A, xb);
    return [xa, ga, translateImages(nets.gB2A, ga), xb, fb, translateImages(nets.gA2B, fb)].map((t) => t.cpu().contiguous().data() as Float32Array);
  });
  const { a: A, b: B } = names;
  const titles = [`A: ${A}`, 'G(A)', 'F(G(A))', `B: ${B}`, 'F(B)', 'G(F(B))'];
  const s = a.size;
  const per = a.channels * s * s;
  const images: ImageGridData['images'] = [];
  for (let i = 0; i < n; i++) {
    planes.forEach((p, k) => images.push({ image: { width: s, height: s, channels: a.channels, layout: 'chw', data: p.slice(i * per, (i + 1) * per) }, title: titles[k], range: [0, 1] }));
  }
  return { images };
}
