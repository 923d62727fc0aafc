// A fixed qualitative palette for labels and series that stays distinct for hundreds of entries.
// Built once, deterministically, by greedy farthest-point sampling in CIELAB (each new colour is the
// candidate farthest, by ΔE*ab, from every colour already taken), over a 16-level sRGB grid with
// black and white pre-seeded so that colours stay visible on both dark backgrounds and white paper.
import { deltaE, rgbToHex, rgbToLab, type Rgb } from './color.js';

/** How many colours the palette holds; `labelColor` cycles beyond this. */
export const PALETTE_SIZE = 256;

// The first colours are hand-chosen for series and classes (a colour-blind-aware set in the spirit of
// Okabe & Ito 2008); the rest are sampled to stay as far as possible from all earlier ones.
const SEED: Rgb[] = [
  [0, 114, 178], // blue
  [230, 159, 0], // orange
  [0, 158, 115], // green
  [213, 94, 0], // vermilion
  [204, 121, 167], // reddish purple
  [86, 180, 233], // sky blue
  [240, 228, 66], // yellow
  [120, 72, 0], // brown
];

function buildPalette(size: number): Rgb[] {
  const candidates: Rgb[] = [];
  const levels = 16;
  for (let r = 0; r < levels; r++)
    for (let g = 0; g < levels; g++)
      for (let b = 0; b < levels; b++) candidates.push([(r * 255) / 15, (g * 255) / 15, (b * 255) / 15].map(Math.round) as unknown as Rgb);
  const labs = candidates.map(rgbToLab);
  const nearest = new Float64Array(candidates.length).fill(Infinity);
  const take = (c: Rgb): void => {
    const lab = rgbToLab(c);
    for (let i = 0; i < labs.length; i++) {
      const l = labs[i];
      const d = Math.hypot(l[0] - lab[0], l[1] - lab[1], l[2] - lab[2]);
      if (d < nearest[i]) nearest[i] = d;
    }
  };
  take([0, 0, 0]);
  take([255, 255, 255]);
  const out: Rgb[] = [];
  for (const c of SEED) {
    out.push(c);
    take(c);
  }
  while (out.length < size) {
    let best = 0;
    for (let i = 1; i < nearest.length; i++) if (nearest[i] > nearest[best]) best = i;
    out.push(candidates[best]);
    take(candidates[best]);
  }
  return out;
}

/** The palette as RGB triples (index = label or series number). */
export const PALETTE: readonly Rgb[] = buildPalette(PALETTE_SIZE);

/** The palette as '#rrggbb' strings. */
export const PALETTE_HEX: readonly string[] = PALETTE.map(rgbToHex);

/** Colour of label or series `i` (cycles after PALETTE_SIZE). */
export function labelColor(i: number): Rgb {
  const n = ((Math.trunc(i) % PALETTE_SIZE) + PALETTE_SIZE) % PALETTE_SIZE;
  return PALETTE[n];
}

/** Smallest pairwise ΔE*ab among the first `n` palette colours. */
export function minPairwiseDistance(n: number): number {
  let min = Infinity;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) min = Math.min(min, deltaE(PALETTE[i], PALETTE[j]));
  return min;
}
