// Reflection padding as a layer (torch.nn.ReflectionPad2d): a border mirrored around [N,C,H,W]
// maps, so networks can list it in a Sequential with the reference's layer indices.
import { Tensor } from '../engine/tensor.js';
import { pad } from '../engine/tensor-shape.js';
import { Module } from './module.js';

/** Padding per side: one number for all four, or [left, right, top, bottom] as torch. */
export type Padding2d = number | readonly [number, number, number, number];

const sides = (p: Padding2d): number[] => (typeof p === 'number' ? [p, p, p, p] : [...p]);

function checked(p: Padding2d, what: string): number[] {
  const s = sides(p);
  if (s.length !== 4 || s.some((v) => !Number.isInteger(v) || v < 0)) throw new RangeError(`${what}: padding must be a non-negative integer or four of them, got ${String(p)}`);
  return s;
}

/** Mirrors the border without repeating the edge (d c b | a b c d | c b a); padding < the side. */
export class ReflectionPad2d extends Module {
  readonly padding: number[];
  constructor(padding: Padding2d) {
    super();
    this.padding = checked(padding, 'ReflectionPad2d');
  }
  forward(x: Tensor): Tensor {
    const [l, r, t, b] = this.padding;
    const [h, w] = x.shape.slice(-2);
    if (Math.max(l, r) >= w || Math.max(t, b) >= h) throw new RangeError(`ReflectionPad2d: padding ${this.padding.join(',')} must be smaller than the input's ${h}×${w}`);
    return pad(x, this.padding, 'reflect');
  }
}
