// Raster → PNG data URI sized for display: small images are pre-upscaled with nearest neighbour so
// pixels stay crisp in every viewer; large ones are embedded at full resolution and scaled by SVG.
import { encodePng, pngDataUri } from './png.js';

/** Most pixels a pre-upscaled image may hold. */
const MAX_UPSCALED_PIXELS = 1 << 20;

/** PNG data URI of interleaved 8-bit RGBA pixels [H·W·4] meant to be shown at displayWidth × displayHeight. */
export async function rgbaDataUri(rgba: Uint8Array, width: number, height: number, displayWidth: number, displayHeight: number): Promise<string> {
  let k = Math.max(1, Math.ceil(Math.max(displayWidth / width, displayHeight / height)));
  while (k > 1 && width * height * k * k > MAX_UPSCALED_PIXELS) k--;
  const opaque = rgba.every((v, i) => i % 4 !== 3 || v === 255);
  const pixels = opaque ? rgba.filter((_, i) => i % 4 !== 3) : rgba;
  const png = await encodePng(pixels, width, height, opaque ? 3 : 4, k > 1 ? { resizeTo: { width: width * k, height: height * k } } : {});
  return pngDataUri(png);
}
