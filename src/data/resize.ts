// Bilinear resizing and square padding of float planes, on the CPU (for data preparation; the
// sampling grid is PyTorch's F.interpolate(mode='bilinear', align_corners=False), no antialias).
import { OptionError } from '../util/errors.js';
import type { ImageTensorLike } from './types.js';

/** Resizes every plane to height × width (bilinear, pixel centres at half-integer positions). */
export function resizePlanes(img: ImageTensorLike, height: number, width: number): ImageTensorLike {
  if (!(Number.isInteger(height) && Number.isInteger(width) && height > 0 && width > 0)) throw new OptionError('size', `must be positive integers, got ${height}×${width}`);
  if (height === img.height && width === img.width) return { ...img, data: Float32Array.from(img.data) };
  const { channels: C, height: H, width: W } = img;
  const out = new Float32Array(C * height * width);
  // source coordinate of an output index: (i + 0.5) * in/out − 0.5, clamped at 0 (as PyTorch does)
  const axis = (n: number, m: number): { i0: Int32Array; i1: Int32Array; f: Float32Array } => {
    const i0 = new Int32Array(n);
    const i1 = new Int32Array(n);
    const f = new Float32Array(n);
    const scale = m / n;
    for (let i = 0; i < n; i++) {
      const s = Math.max((i + 0.5) * scale - 0.5, 0);
      const a = Math.min(Math.floor(s), m - 1);
      i0[i] = a;
      i1[i] = Math.min(a + 1, m - 1);
      f[i] = s - a;
    }
    return { i0, i1, f };
  };
  const ys = axis(height, H);
  const xs = axis(width, W);
  for (let c = 0; c < C; c++) {
    const src = c * H * W;
    const dst = c * height * width;
    for (let y = 0; y < height; y++) {
      const r0 = src + ys.i0[y] * W;
      const r1 = src + ys.i1[y] * W;
      const fy = ys.f[y];
      for (let x = 0; x < width; x++) {
        const a = xs.i0[x];
        const b = xs.i1[x];
        const fx = xs.f[x];
        const top = img.data[r0 + a] * (1 - fx) + img.data[r0 + b] * fx;
        const bottom = img.data[r1 + a] * (1 - fx) + img.data[r1 + b] * fx;
        out[dst + y * width + x] = top * (1 - fy) + bottom * fy;
      }
    }
  }
  return { data: out, channels: C, height, width };
}

/** Pads to a square (centred; the extra pixel, if any, goes to the end) with `fill`. */
export function padToSquare(img: ImageTensorLike, fill = 0): ImageTensorLike {
  const n = Math.max(img.height, img.width);
  if (img.height === n && img.width === n) return img;
  const top = Math.floor((n - img.height) / 2);
  const left = Math.floor((n - img.width) / 2);
  const out = new Float32Array(img.channels * n * n).fill(fill);
  for (let c = 0; c < img.channels; c++) {
    for (let y = 0; y < img.height; y++) {
      const s = (c * img.height + y) * img.width;
      out.set(img.data.subarray(s, s + img.width), (c * n + y + top) * n + left);
    }
  }
  return { data: out, channels: img.channels, height: n, width: n };
}
