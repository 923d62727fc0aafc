import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deltaE, rgbToHex, rgbToLab, type Rgb } from './color.js';

const close = (got: readonly number[], want: readonly number[], tol: number, what: string): void =>
  got.forEach((v, i) => assert.ok(Math.abs(v - want[i]) <= tol, `${what}[${i}]: ${v} vs ${want[i]}`));

test('rgbToLab: white, black and a mid grey (known answers)', () => {
  // White: every linear channel is 1, and each XYZ row sums to the D65 white point (the Y row to
  // 1.0000001, the 7-digit rounding of the published matrix), so x = y = z = 1 after normalisation:
  // L = 116 - 16 = 100, a = b = 0. Black: L = a = b = 0.
  close(rgbToLab([255, 255, 255]), [100, 0, 0], 1e-4, 'white');
  close(rgbToLab([0, 0, 0]), [0, 0, 0], 1e-9, 'black');
  // Grey 128: linear ((128/255 + 0.055) / 1.055)^2.4 = 0.2158605, x = y = z (neutral), so a = b = 0
  // and L = 116 * 0.2158605^(1/3) - 16 = 53.58501.
  close(rgbToLab([128, 128, 128]), [53.58501, 0, 0], 1e-4, 'grey 128');
});

test('rgbToLab: sRGB primaries equal the published CIELAB (D65) values', () => {
  // Lindbloom's sRGB (D65) matrix with the CIE 15 L*a*b* formulas, as tabulated for the primaries.
  const cases: [Rgb, [number, number, number]][] = [
    [[255, 0, 0], [53.2408, 80.0925, 67.2032]],
    [[0, 255, 0], [87.7347, -86.1827, 83.1793]],
    [[0, 0, 255], [32.297, 79.1875, -107.8602]],
  ];
  for (const [rgb, lab] of cases) close(rgbToLab(rgb), lab, 1e-3, `rgb ${rgb}`);
});

test('deltaE is CIE76: white to black is 100; red to blue from the published Lab values', () => {
  assert.ok(Math.abs(deltaE([255, 255, 255], [0, 0, 0]) - 100) < 1e-4);
  // hypot(53.2408 - 32.2970, 80.0925 - 79.1875, 67.2032 + 107.8602) = 176.3141
  assert.ok(Math.abs(deltaE([255, 0, 0], [0, 0, 255]) - 176.3141) < 2e-3);
  assert.equal(deltaE([12, 200, 99], [12, 200, 99]), 0);
  assert.equal(rgbToHex([0, 114, 178]), '#0072b2');
});
