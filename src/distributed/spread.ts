// Independent jobs (openset-eval's folds) spread over the ranks of a kensa launch: rank r runs jobs
// r, r + N, r + 2N, ... on its own (fit does not go data-parallel meanwhile), then every result
// travels to every rank through the process group (an all-gather of v8-serialised bytes, not a
// shared filesystem), so rank 0 reports all of them in job order.
import { deserialize, serialize } from 'node:v8';
import { tensor } from '../engine/creation.js';
import { distConfigFromEnv } from './config.js';
import { worldGroupFromEnv } from './data-parallel.js';
import { setRanksApart } from './world.js';

/** Whether this process is one rank of several (WORLD_SIZE > 1). */
export function inGroup(env: NodeJS.ProcessEnv = process.env): boolean {
  return (distConfigFromEnv(env)?.worldSize ?? 1) > 1;
}

/**
 * Runs `count` jobs spread over the ranks (every job on one rank; all of them here outside a
 * group) and returns every result in job order on every rank. `onResult` sees this rank's own.
 */
export async function spreadOverRanks<T>(count: number, run: (index: number) => Promise<T>, onResult?: (index: number, result: T) => void): Promise<T[]> {
  const c = distConfigFromEnv();
  const world = c?.worldSize ?? 1;
  const rank = c?.rank ?? 0;
  const mine: [number, T][] = [];
  const prev = setRanksApart(world > 1);
  try {
    for (let i = rank; i < count; i += world) {
      const r = await run(i);
      onResult?.(i, r);
      mine.push([i, r]);
    }
  } finally {
    setRanksApart(prev);
  }
  if (world === 1) return mine.map(([, r]) => r);
  const group = await worldGroupFromEnv();
  const bytes = serialize(mine);
  // lengths first: Gloo's all-gather takes equal sizes, so every rank pads to the longest
  const len = tensor(new Float64Array([bytes.length]), { shape: [1] });
  const lens = await group.allGather(len);
  const sizes = lens.map((t) => Number((t.data() as Float64Array)[0]));
  for (const t of [len, ...lens]) t.dispose();
  const padded = new Uint8Array(Math.max(...sizes));
  padded.set(bytes);
  const mineT = tensor(padded, { shape: [padded.length] });
  const all = await group.allGather(mineT);
  const out: T[] = new Array(count);
  for (const [k, t] of all.entries()) {
    const data = t.data() as Uint8Array;
    for (const [i, r] of deserialize(Buffer.from(data.buffer, data.byteOffset, sizes[k])) as [number, T][]) out[i] = r;
  }
  for (const t of [mineT, ...all]) t.dispose();
  return out;
}
