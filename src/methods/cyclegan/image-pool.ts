// The history of generated images the discriminators are trained on (Shrivastava et al., CVPR
// 2017; CycleGAN §4 "Training details"): until the pool is full each new fake is stored and used;
// then with probability ½ a new fake replaces a stored one drawn at random, and the stored one is
// used instead, else the new fake is used and the pool is left as it is. Draws come from a given
// seeded stream, and the pool saves to JSON with a checkpoint so a resumed run continues exactly.
import { noGrad, tensor, type Tensor } from '../../engine/index.js';
import type { Rng } from '../../data/index.js';
import { InputError } from '../../util/errors.js';

/** A saved pool: its capacity, one image's shape and the stored images (float32, base64). */
export interface ImagePoolState {
  size: number;
  shape: number[];
  images: string[];
}

const toBase64 = (a: Float32Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

function fromBase64(s: string, n: number): Float32Array {
  const b = Buffer.from(s, 'base64');
  if (b.byteLength !== n * 4) throw new Error(`an image of ${b.byteLength} bytes, expected ${n * 4}`);
  const out = new Float32Array(n);
  new Uint8Array(out.buffer).set(b);
  return out;
}

export class ImagePool {
  private images: Float32Array<ArrayBufferLike>[] = [];
  private shape: number[] = [];
  /** @param size Capacity; 0 passes every batch through unchanged. */
  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 0) throw new RangeError(`ImagePool: size must be a non-negative integer, got ${size}`);
  }
  /** Images stored so far. */
  get count(): number {
    return this.images.length;
  }
  /**
   * The batch [N, ...] the discriminator sees instead of `fakes`: per image, the image itself or a
   * stored one it replaces. A new, detached tensor on the fakes' device (fakes when size is 0: a
   * detached view).
   */
  query(fakes: Tensor, rng: Rng): Tensor {
    if (this.size === 0) return fakes.detach();
    const [n, ...shape] = fakes.shape;
    const per = shape.reduce((a, b) => a * b, 1);
    if (this.images.length > 0 && shape.join('x') !== this.shape.join('x')) throw new RangeError(`ImagePool: images of shape [${shape.join(', ')}], the pool holds [${this.shape.join(', ')}]`);
    this.shape = shape;
    const all = noGrad(() => fakes.detach().cpu().contiguous().data() as Float32Array);
    const out = new Float32Array(n * per);
    for (let i = 0; i < n; i++) {
      const img = all.slice(i * per, (i + 1) * per);
      let use: Float32Array<ArrayBufferLike> = img;
      if (this.images.length < this.size) {
        this.images.push(img);
      } else if (rng.next() > 0.5) {
        const j = rng.int(this.size);
        use = this.images[j];
        this.images[j] = img;
      }
      out.set(use, i * per);
    }
    return tensor(out, { shape: fakes.shape, device: fakes.device });
  }
  save(): ImagePoolState {
    return { size: this.size, shape: [...this.shape], images: this.images.map(toBase64) };
  }
  /** Restores a saved pool (of the same capacity); `what` names the source in errors. */
  load(state: unknown, what = 'image pool'): void {
    const s = state as Partial<ImagePoolState> | undefined;
    if (!s || !Array.isArray(s.images) || !Array.isArray(s.shape) || typeof s.size !== 'number') throw new InputError(what, 'holds no image pool');
    if (s.size !== this.size) throw new InputError(what, `holds a pool of ${s.size} images, this run uses --pool-size ${this.size}`);
    const per = s.shape.reduce((a, b) => a * b, 1);
    try {
      this.images = s.images.map((b) => fromBase64(b, per));
    } catch (e) {
      throw new InputError(what, `garbled image pool (${(e as Error).message})`);
    }
    this.shape = [...s.shape];
  }
}
