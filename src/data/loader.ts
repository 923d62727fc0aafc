// Batches for training: epoch order under a seed, items decoded ahead of use (prefetch), and
// engine tensors made on the main thread when a batch is handed out.
import { OptionError } from '../util/errors.js';
import { dataShard, shardRange } from '../distributed/world.js';
import { collate } from './collate.js';
import { Rng } from './rng.js';
import { epochOrder, type SamplerOptions } from './sampler.js';
import type { Batch, Sample } from './types.js';

/** What an item loader gets besides the index. */
export interface LoadContext {
  epoch: number;
  /** Stream for (seed, epoch, position in the epoch): use it for augmentation, so runs replay exactly. */
  rng: Rng;
}

/** A dataset as the loader sees it: a size, an async loader, and (for balanced sampling) labels. */
export interface ItemSource<S extends Sample = Sample> {
  readonly size: number;
  load(index: number, ctx: LoadContext): Promise<S>;
  /** Class of item `index`, without loading it. @default none (balanced sampling unavailable) */
  labelOf?(index: number): number;
}

/** Options of `DataLoader`. */
export interface LoaderOptions extends Omit<SamplerOptions, 'labels'> {
  /** Samples per batch. @default 16 */
  batchSize?: number;
  /** Leave out the last batch when it is smaller than batchSize. @default false */
  dropLast?: boolean;
  /** Batches loading ahead of the one in use (0: load each batch when asked for it). @default 2 */
  prefetch?: number;
}

/**
 * Async iteration over batches. While the caller trains on batch b, batches b+1..b+prefetch are
 * being loaded (sharp decodes in libuv threads); the tensors of a batch are created when it is
 * handed out, and belong to the caller, who disposes them.
 */
export class DataLoader<S extends Sample = Sample> {
  readonly batchSize: number;
  private readonly o: LoaderOptions;

  constructor(
    readonly source: ItemSource<S>,
    options: LoaderOptions = {},
  ) {
    this.o = options;
    this.batchSize = options.batchSize ?? 16;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new OptionError('batchSize', `must be a positive integer, got ${this.batchSize}`);
    const pf = options.prefetch ?? 2;
    if (!Number.isInteger(pf) || pf < 0) throw new OptionError('prefetch', `must be a non-negative integer, got ${pf}`);
    if (options.order === 'balanced' && !source.labelOf) throw new OptionError('order', "'balanced' needs a source with labelOf");
  }

  /** Dataset indices of each batch of an epoch. */
  batchIndices(epoch = 0): number[][] {
    return this.rankBatches(epoch).map((b) => b.indices);
  }

  /** This rank's batches with the position in the epoch of each one's first item. */
  private rankBatches(epoch: number): { indices: number[]; first: number }[] {
    const labels = this.o.order === 'balanced' ? Array.from({ length: this.source.size }, (_, i) => this.source.labelOf!(i)) : undefined;
    const order = epochOrder(this.source.size, epoch, { ...this.o, labels });
    // data-parallel (kensa launch): global batches of batchSize per rank; this rank's part of each
    const world = dataShard().worldSize;
    const bs = this.batchSize * world;
    const out: number[][] = [];
    for (let s = 0; s < order.length; s += bs) out.push(order.slice(s, s + bs));
    if ((this.o.dropLast ?? false) && out.length > 0 && out[out.length - 1].length < bs) out.pop();
    if (world > 1 && out.length > 0 && out[out.length - 1].length < world) out.pop(); // every rank needs a sample
    return out.map((b, i) => {
      const { start, count } = shardRange(b.length);
      return { indices: b.slice(start, start + count), first: i * bs + start };
    });
  }

  /** Batches of one epoch, in order. */
  async *epoch(epoch = 0): AsyncGenerator<Batch, void, undefined> {
    const ranked = this.rankBatches(epoch);
    const batches = ranked.map((b) => b.indices);
    const seed = this.o.seed ?? 0;
    const prefetch = this.o.prefetch ?? 2;
    const start = (b: number): Promise<S[]> => {
      const p = Promise.all(batches[b].map((index, k) => this.source.load(index, { epoch, rng: Rng.derive(seed, epoch, ranked[b].first + k) })));
      p.catch(() => undefined); // a failure surfaces when this batch is awaited, not as an unhandled rejection
      return p;
    };
    const pending: Promise<S[]>[] = [];
    let next = 0;
    while (next < batches.length && pending.length < prefetch) pending.push(start(next++));
    for (let b = 0; b < batches.length; b++) {
      const current = pending.length > 0 ? pending.shift()! : start(next++);
      // Keep `prefetch` batches loading while this one is collated and used.
      while (next < batches.length && pending.length < prefetch) pending.push(start(next++));
      const samples = await current;
      yield collate(samples, batches[b]);
    }
  }

  /** Epoch 0. */
  [Symbol.asyncIterator](): AsyncGenerator<Batch, void, undefined> {
    return this.epoch(0);
  }
}
