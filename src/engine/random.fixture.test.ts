// Seeded random streams equal PyTorch's for the same seed and call order.
import { test } from 'node:test';
import { manualSeed, rand, randn, randint, randperm, ones, tidy } from './index.js';
import { dropout } from '../nn/functional.js';
import { assertClose, loadFixture } from '../testing/fixtures.js';

const fx = loadFixture('engine', 'random.safetensors');

test('rand, randn, randint, randperm after manualSeed(42) equal torch.manual_seed(42)', () => {
  tidy(() => {
    manualSeed(42);
    assertClose(rand([3, 4]), fx.get('rand')!, 'rand', { atol: 0, rtol: 0 });
    assertClose(randn([5]), fx.get('randn')!, 'randn', { atol: 0, rtol: 0 });
    assertClose(randint(0, 10, [6]), fx.get('randint')!, 'randint', { atol: 0, rtol: 0 });
    assertClose(randperm(7), fx.get('randperm')!, 'randperm', { atol: 0, rtol: 0 });
  });
});

test('dropout masks follow the seed like PyTorch', () => {
  tidy(() => {
    manualSeed(7);
    assertClose(dropout(ones([4, 5]), 0.5, true), fx.get('dropout')!, 'dropout', { atol: 0, rtol: 0 });
  });
});
