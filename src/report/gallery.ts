// Render every registered figure kind's example, as SVG and as PNG (rasterised by sharp), for visual review.
import sharp from 'sharp';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import { FIGURE_KINDS } from './figures/registry.js';

/** Write `<kind>.svg` and `<kind>.png` for each figure kind into `outDir`; returns the PNG paths. */
export async function renderGallery(outDir: string, options: { density?: number } = {}): Promise<string[]> {
  const out: string[] = [];
  for (const kind of FIGURE_KINDS) {
    const { data, options: figureOptions } = kind.example();
    const svg = await kind.render(data, figureOptions);
    await writeFileAtomic(join(outDir, `${kind.name}.svg`), svg);
    const png = await sharp(Buffer.from(svg), { density: options.density ?? 144 }).png().toBuffer();
    await writeFileAtomic(join(outDir, `${kind.name}.png`), png);
    out.push(join(outDir, `${kind.name}.png`));
  }
  return out;
}
