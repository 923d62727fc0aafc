import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatNumber, formatScalar } from './format.js';

test('formatNumber: integers in full, floats to 4 significant digits, extremes in exponent form', () => {
  assert.equal(formatNumber(12345), '12345');
  assert.equal(formatNumber(0.1 + 0.2), '0.3');
  assert.equal(formatNumber(0.93456), '0.9346');
  assert.equal(formatNumber(12.3456), '12.35');
  assert.equal(formatNumber(0.00012346), '1.235e-4');
  assert.equal(formatNumber(1.5e7 + 0.5), '1.5e+7');
  assert.equal(formatNumber(0.5, 2), '0.5');
  assert.equal(formatNumber(NaN), 'NaN');
  assert.equal(formatNumber(-Infinity), '−∞');
});

test('formatScalar shows null as a dash and passes strings and booleans through', () => {
  assert.equal(formatScalar(null), '—');
  assert.equal(formatScalar(true), 'true');
  assert.equal(formatScalar('x'), 'x');
});
