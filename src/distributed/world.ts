// This process's share of the data while a data-parallel fit runs (rank 0 of 1 otherwise). A
// trainer draws one global batch of batchSize·worldSize from the epoch order (the same on every
// rank: fit seeds each epoch alike) and trains on its rank's contiguous part, so N ranks of batch
// B take the same steps as one process of batch N·B.
import type { ProcessGroup } from './process-group.js';

/** Which part of every global batch this process trains on. */
export interface DataShard {
  rank: number;
  worldSize: number;
}

let current: DataShard = { rank: 0, worldSize: 1 };

export function dataShard(): DataShard {
  return current;
}

/** Set by fit for the duration of a data-parallel run; returns the previous shard. */
export function setDataShard(s: DataShard): DataShard {
  const prev = current;
  current = s;
  return prev;
}

/** Start (in the global batch) and length of rank `rank`'s part of a global batch of n items. */
export function shardRange(n: number, s: DataShard = current): { start: number; count: number } {
  const base = Math.floor(n / s.worldSize);
  const extra = n % s.worldSize; // the first `extra` ranks take one more
  const start = s.rank * base + Math.min(s.rank, extra);
  return { start, count: base + (s.rank < extra ? 1 : 0) };
}

/** This rank's part of a global batch. */
export function shardOf<T>(globalBatch: readonly T[], s: DataShard = current): T[] {
  const { start, count } = shardRange(globalBatch.length, s);
  return globalBatch.slice(start, start + count);
}

/** The group synchronised batch norm reduces over while a data-parallel fit runs (none otherwise). */
let syncWith: ProcessGroup | undefined;

export function syncGroup(): ProcessGroup | undefined {
  return syncWith;
}

/** Set by fit's data-parallel wrapper for the duration of a run; returns the previous group. */
export function setSyncGroup(g: ProcessGroup | undefined): ProcessGroup | undefined {
  const prev = syncWith;
  syncWith = g;
  return prev;
}

/** While set (spreadOverRanks), the ranks run separate jobs: fit trains alone, not data-parallel. */
let apart = false;

export function ranksApart(): boolean {
  return apart;
}

/** Returns the previous value. */
export function setRanksApart(on: boolean): boolean {
  const prev = apart;
  apart = on;
  return prev;
}
