// The DataLoader under a data-parallel shard: 2 ranks of batch 2 see, step by step, the halves of
// one process's batches of 4, and each item gets the augmentation stream of its position in the
// single-process epoch (so 2×2 augments exactly as 1×4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataLoader, type ItemSource } from '../data/index.js';
import { setDataShard } from './world.js';

// each item is a 1×1×1 image whose value is the first draw of its augmentation stream
const source: ItemSource = {
  size: 10,
  load: async (_i, ctx) => ({ image: { channels: 1, height: 1, width: 1, data: new Float32Array([ctx.rng.next()]) }, label: 0 }),
};

async function run(batchSize: number): Promise<{ indices: number[][]; draws: number[][] }> {
  const loader = new DataLoader(source, { batchSize, order: 'shuffle', seed: 5, prefetch: 0 });
  const indices: number[][] = [];
  const draws: number[][] = [];
  for await (const b of loader.epoch(1)) {
    indices.push([...b.indices]);
    draws.push(Array.from(b.images.data() as Float32Array));
    b.dispose();
  }
  return { indices, draws };
}

test('2 ranks × batch 2 = the halves of 1 × batch 4, with the same augmentation streams', async () => {
  const alone = await run(4);
  const ranks: { indices: number[][]; draws: number[][] }[] = [];
  for (const rank of [0, 1]) {
    const prev = setDataShard({ rank, worldSize: 2 });
    try {
      ranks.push(await run(2));
    } finally {
      setDataShard(prev);
    }
  }
  // 10 items in global batches of 4: [4, 4, 2] → each rank [2, 2, 1]
  assert.deepEqual(alone.indices.map((b) => b.length), [4, 4, 2]);
  assert.deepEqual(ranks[0].indices.map((b) => b.length), [2, 2, 1]);
  alone.indices.forEach((b, s) => {
    assert.deepEqual([...ranks[0].indices[s], ...ranks[1].indices[s]], b);
    assert.deepEqual([...ranks[0].draws[s], ...ranks[1].draws[s]], alone.draws[s]);
  });
  // the draws differ between positions (a constant stream would pass the line above trivially)
  assert.ok(new Set(alone.draws.flat()).size === 10);
});
