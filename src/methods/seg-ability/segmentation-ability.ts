// Segmentation ability (SA) of every block of a U-Net on one image (He et al. 2023, arXiv
// 2212.09206): each block's activation is resized to the input size (bilinear, align_corners =
// false), segmented by prototypes per layer (all channels) and per unit (one channel), and scored by
// Dice against a target. Two guides are used in one pass: the ground truth (SA proper, target =
// truth) and the network's own output probability (label-free, target = the output's binary map).
import { keep, noGrad, pad, tensor, tidy, type Tensor } from '../../engine/index.js';
import { F } from '../../nn/index.js';
import type { UNet } from '../../models/index.js';
import { dice } from '../../metrics/dice.js';
import { OptionError } from '../../util/errors.js';
import { prototypes, rowDice, unitMaps, type Prototypes } from './prototype-segmentation.js';

/** Block names of a U-Net in network order: down0..down(L−1), dec(L−2)..dec0, head. */
export function unetLayerNames(unet: UNet): string[] {
  const L = unet.down.length;
  return [...Array.from({ length: L }, (_, i) => `down${i}`), ...Array.from({ length: L - 1 }, (_, j) => `dec${L - 2 - j}`), 'head'];
}

/** Checks a --layer list against the network's blocks; empty = all, in network order. */
export function selectLayers(unet: UNet, wanted: readonly string[], option = '--layer'): string[] {
  const all = unetLayerNames(unet);
  if (wanted.length === 0) return all;
  for (const w of wanted) if (!all.includes(w)) throw new OptionError(option, `unknown layer '${w}' (layers: ${all.join(', ')})`);
  return all.filter((n) => wanted.includes(n));
}

/** Activations of one image, with the geometry to bring them back to the input grid. */
export interface Activations {
  acts: Map<string, Tensor>;
  /** Output logits [K', H, W] cropped to the image. */
  logits: Tensor;
  height: number;
  width: number;
  paddedHeight: number;
  paddedWidth: number;
  dispose(): void;
}

/** Runs the network on a normalised image [C, H, W] (reflection-padded to the network's multiple). */
export function activations(unet: UNet, image: Tensor): Activations {
  const [, H, W] = image.shape;
  const m = 2 ** (unet.down.length - 1);
  const Hp = Math.ceil(H / m) * m;
  const Wp = Math.ceil(W / m) * m;
  const was = unet.training;
  unet.eval();
  const r = noGrad(() =>
    tidy(() => {
      let x = image.unsqueeze(0);
      if (Hp !== H || Wp !== W) x = pad(x, [0, Wp - W, 0, Hp - H], Hp - H < H && Wp - W < W ? 'reflect' : 'replicate');
      const { output, intermediates } = unet.forwardIntermediates(x);
      return { acts: intermediates, logits: output.squeeze(0).narrow(1, 0, H).narrow(2, 0, W).contiguous() };
    }),
  );
  unet.train(was);
  return {
    ...r,
    height: H,
    width: W,
    paddedHeight: Hp,
    paddedWidth: Wp,
    dispose() {
      for (const t of r.acts.values()) t.dispose();
      r.logits.dispose();
    },
  };
}

/** Channels [c0, c0 + n) of an activation [1, C, h, w] at the input grid, as [n, H·W]. */
export function inputGridChannels(a: Activations, name: string, c0: number, n: number): Tensor {
  return tidy(() => {
    const act = a.acts.get(name);
    if (!act) throw new OptionError('--layer', `no activation '${name}'`);
    let x = act.narrow(1, c0, n);
    if (x.shape[2] !== a.paddedHeight || x.shape[3] !== a.paddedWidth) x = F.interpolate(x, { size: [a.paddedHeight, a.paddedWidth], mode: 'bilinear', alignCorners: false });
    if (a.paddedHeight !== a.height || a.paddedWidth !== a.width) x = x.narrow(2, 0, a.height).narrow(3, 0, a.width);
    return x.squeeze(0).reshape([n, a.height * a.width]);
  });
}

/** A guide and the target its maps are scored against, both [H·W]. */
export interface AbilityGuide {
  guide: Tensor;
  target: Tensor;
}

/** SA of one layer under one guide. */
export interface LayerScore {
  /** Dice of the all-channel prototype map. */
  layerSA: number;
  /** Dice of each unit's map [C]. */
  unitSA: Float64Array;
}

/** SA of one layer under each guide; channels are processed `chunk` at a time to bound memory. */
export function layerAbility(a: Activations, name: string, guides: readonly AbilityGuide[], chunk = 16): LayerScore[] {
  const C = a.acts.get(name)?.shape[1];
  if (C === undefined) throw new OptionError('--layer', `no activation '${name}'`);
  const units = guides.map(() => new Float64Array(C));
  const masses = guides.map((g) => tidy(() => [g.guide.sum().item(), g.guide.neg().add(1).sum().item()]));
  const dist = guides.map(() => ({ dt: undefined as Tensor | undefined, db: undefined as Tensor | undefined }));
  try {
    for (let c0 = 0; c0 < C; c0 += chunk) {
      const n = Math.min(chunk, C - c0);
      tidy(() => {
        const f = inputGridChannels(a, name, c0, n);
        guides.forEach((g, k) => {
          const p: Prototypes = prototypes(f, g.guide);
          units[k].set(rowDice(unitMaps(f, p), g.target), c0);
          if (p.objectMass > 0 && p.backgroundMass > 0) {
            const dt = f.sub(p.object.unsqueeze(1)).square().sum(0);
            const db = f.sub(p.background.unsqueeze(1)).square().sum(0);
            const d = dist[k];
            const nt = d.dt ? d.dt.add(dt) : dt;
            const nb = d.db ? d.db.add(db) : db;
            d.dt?.dispose();
            d.db?.dispose();
            d.dt = keep(nt);
            d.db = keep(nb);
          }
        });
      });
    }
    return guides.map((g, k) => {
      const [om, bm] = masses[k];
      const layerSA = tidy(() => {
        const t = g.target.float();
        if (om === 0) return dice(new Float32Array(t.numel), t.data() as Float32Array);
        if (bm === 0) return dice(new Float32Array(t.numel).fill(1), t.data() as Float32Array);
        return dice(dist[k].dt!.lt(dist[k].db!).float().data() as Float32Array, t.data() as Float32Array);
      });
      return { layerSA, unitSA: units[k] };
    });
  } finally {
    for (const d of dist) {
      d.dt?.dispose();
      d.db?.dispose();
    }
  }
}

/** The binary prototype map [H·W] of one unit (or of all channels when unit is undefined) under a guide. */
export function prototypeMap(a: Activations, name: string, guide: Tensor, unit?: number): Float32Array {
  return tidy(() => {
    const C = a.acts.get(name)!.shape[1];
    const f = unit === undefined ? inputGridChannels(a, name, 0, C) : inputGridChannels(a, name, unit, 1);
    const p = prototypes(f, guide);
    if (p.objectMass === 0) return new Float32Array(a.height * a.width);
    if (p.backgroundMass === 0) return new Float32Array(a.height * a.width).fill(1);
    const dt = f.sub(p.object.unsqueeze(1)).square().sum(0);
    const db = f.sub(p.background.unsqueeze(1)).square().sum(0);
    return dt.lt(db).float().data() as Float32Array;
  });
}

/** One unit's activation at the input grid [H·W]. */
export function unitActivation(a: Activations, name: string, unit: number): Float32Array {
  return tidy(() => inputGridChannels(a, name, unit, 1).data() as Float32Array);
}

/** SA of every selected layer of one image. */
export interface ImageAbility {
  /** Per layer, in network order: SA with the ground truth as guide (absent without truth) and label-free (output as guide). */
  layers: { name: string; channels: number; truth?: LayerScore; output: LayerScore }[];
  /** The output's probability of the class [H·W] and its binary map. */
  outputProb: Float32Array;
  outputMask: Uint8Array;
  /** Dice of the output's map against the truth (when given). */
  outputDice?: number;
  ms: number;
}

export interface AbilityOptions {
  /** Layers (network order); @default every block */
  layers?: readonly string[];
  /** Classes of the network including background (2 = one sigmoid output). @default 2 */
  classes?: number;
  /** The class whose SA is measured. @default 1 */
  classIndex?: number;
  /** Channels per chunk. @default 16 */
  chunk?: number;
}

/**
 * SA of a U-Net on one normalised image [C, H, W]; `truth` is the class's binary mask [H·W] (or
 * undefined: label-free only). The output is from one whole-image forward pass.
 */
export function imageAbility(unet: UNet, image: Tensor, truth: Uint8Array | undefined, o: AbilityOptions = {}): ImageAbility {
  const started = Date.now();
  const classes = o.classes ?? 2;
  const k = o.classIndex ?? 1;
  const names = selectLayers(unet, o.layers ?? []);
  const a = activations(unet, image);
  try {
    return tidy(() => {
      const prob = (classes === 2 ? a.logits.select(0, 0).sigmoid() : F.softmax(a.logits, 0).select(0, k)).reshape([a.height * a.width]);
      const outMask = prob.gt(0.5).float();
      const guides: AbilityGuide[] = [];
      if (truth) {
        const t = tensor(Float32Array.from(truth), { shape: [truth.length] });
        guides.push({ guide: t, target: t });
      }
      guides.push({ guide: prob, target: outMask });
      const layers = names.map((name) => {
        const s = layerAbility(a, name, guides, o.chunk ?? 16);
        return { name, channels: a.acts.get(name)!.shape[1], ...(truth ? { truth: s[0] } : {}), output: s[s.length - 1] };
      });
      const outputMask = Uint8Array.from(outMask.data() as Float32Array);
      return {
        layers,
        outputProb: prob.data() as Float32Array,
        outputMask,
        ...(truth ? { outputDice: dice(outputMask, truth) } : {}),
        ms: Date.now() - started,
      };
    });
  } finally {
    a.dispose();
  }
}
