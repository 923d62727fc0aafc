// A generated image-classification task for the demo and smoke tests: grey images of a disc, a
// square or a cross at random position and size, with noise. Seeded, so runs are reproducible.
import { Rng } from '../../data/rng.js';

export const SHAPE_CLASSES = ['disc', 'square', 'cross'] as const;

export interface ShapesDataset {
  /** [N, 1, size, size] row-major values in [0, 1] */
  images: Float32Array;
  labels: Int32Array;
  size: number;
  count: number;
}

export function makeShapes(perClass: number, size: number, seed: number, noise = 0.15): ShapesDataset {
  const rng = new Rng(seed);
  const rnd = (): number => rng.next();
  const count = perClass * SHAPE_CLASSES.length;
  const images = new Float32Array(count * size * size);
  const labels = new Int32Array(count);
  for (let n = 0; n < count; n++) {
    const cls = n % SHAPE_CLASSES.length;
    labels[n] = cls;
    const r = size * (0.15 + 0.15 * rnd());
    const cx = r + (size - 2 * r) * rnd();
    const cy = r + (size - 2 * r) * rnd();
    const w = Math.max(1, r / 3);
    const base = n * size * size;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const dx = x + 0.5 - cx;
        const dy = y + 0.5 - cy;
        let inside: boolean;
        if (cls === 0) inside = dx * dx + dy * dy <= r * r;
        else if (cls === 1) inside = Math.abs(dx) <= r * 0.85 && Math.abs(dy) <= r * 0.85;
        else inside = (Math.abs(dx) <= w && Math.abs(dy) <= r) || (Math.abs(dy) <= w && Math.abs(dx) <= r);
        const v = (inside ? 0.8 : 0.2) + noise * (rnd() * 2 - 1);
        images[base + y * size + x] = Math.min(1, Math.max(0, v));
      }
    }
  }
  return { images, labels, size, count };
}
