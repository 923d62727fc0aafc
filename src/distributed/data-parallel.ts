// Data-parallel training for the fit loop: rank 0's weights and buffers broadcast to every rank,
// then the gradients are averaged over the ranks before each optimizer step (bucketed: one
// collective per ~25 MB of gradients, the tensors of a bucket flattened into one buffer by the
// addon). By default the buckets' all-reduces start inside backward, as soon as a bucket's
// gradients exist (grad-reducer.ts, on a side group of the same ranks), and the step waits for
// them; with overlap off (KENSA_DDP_OVERLAP=0) the step all-reduces every gradient after backward.
// Batch-norm statistics stay per replica (each rank normalises by its own part of the batch and
// keeps its own running estimates; rank 0's are the ones saved), as PyTorch's DDP does without
// SyncBatchNorm, unless the model's batch norms were converted by syncBatchNorm (--sync-bn):
// those reduce their statistics over the group set here.
import type { Tensor } from '../engine/tensor.js';
import type { Module } from '../nn/module.js';
import { ProcessGroup } from './process-group.js';
import { GradReducer, reducerAvailable, type ReducerStats } from './grad-reducer.js';
import { distConfigFromEnv } from './config.js';
import { ranksApart, setDataShard, setSyncGroup } from './world.js';

/** What data-parallel training needs from a fit task. */
export interface Replicated {
  modules: Record<string, Module>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  optimizers: Record<string, { step(): void; allParams(): Tensor[]; zeroGrad?(): void }>;
}

/** Options of makeDataParallel. */
export interface DataParallelOptions {
  /** close() leaves the group open (a group shared by several fits). @default false */
  keepGroup?: boolean;
  /**
   * Start the buckets' all-reduces from gradient hooks while backward runs (one reducer per
   * optimizer, over its parameters; armed by its zeroGrad(), finished by its step()); false: the
   * step all-reduces every gradient after backward.
   * @default true, unless the environment has KENSA_DDP_OVERLAP=0 or the addon lacks the reducer
   */
  overlap?: boolean;
  /** Gradient bucket size in bytes. @default 25 MiB, or KENSA_DDP_BUCKET_MB megabytes (2^20 bytes) */
  bucketBytes?: number;
}

export interface DataParallel {
  group: ProcessGroup;
  /** Bytes of gradients all-reduced per optimizer step, per optimizer. */
  gradBytes: Record<string, number>;
  /** Whether the all-reduces overlap backward (DataParallelOptions.overlap, as resolved). */
  overlap: boolean;
  /** Per optimizer, what its reducer did (empty with overlap off). */
  reducerStats(): Record<string, ReducerStats>;
  /** Undoes the optimizer wrapping and the data shard (and leaves the group, unless kept). */
  close(): void;
}

/** Gradient buckets: lists of same-dtype tensors of at most `bytes` each (a larger tensor alone). */
export function buckets(tensors: Tensor[], bytes = 25 * 1024 * 1024): Tensor[][] {
  const out: Tensor[][] = [];
  const open = new Map<string, { list: Tensor[]; size: number }>();
  for (const t of tensors) {
    const size = t.numel * bytesPer(t.dtype);
    let b = open.get(t.dtype);
    if (b === undefined || (b.size + size > bytes && b.list.length > 0)) {
      b = { list: [], size: 0 };
      out.push(b.list);
      open.set(t.dtype, b);
    }
    b.list.push(t);
    b.size += size;
  }
  return out;
}

function bytesPer(dtype: string): number {
  return dtype === 'float64' || dtype === 'int64' ? 8 : dtype === 'float16' || dtype === 'bfloat16' ? 2 : dtype === 'bool' || dtype === 'uint8' || dtype === 'int8' ? 1 : 4;
}

/**
 * Joins the group torchrun's environment describes and makes `task` data-parallel, or returns
 * undefined outside one (WORLD_SIZE unset or 1).
 */
export async function dataParallelFromEnv(task: Replicated, env: NodeJS.ProcessEnv = process.env): Promise<DataParallel | undefined> {
  const c = distConfigFromEnv(env);
  if (!c || c.worldSize === 1 || ranksApart()) return undefined;
  return makeDataParallel(task, await worldGroupFromEnv(env), { keepGroup: true, ...ddpOptionsFromEnv(env) });
}

/** overlap and bucketBytes from KENSA_DDP_OVERLAP (0 or 1) and KENSA_DDP_BUCKET_MB, where set. */
export function ddpOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): Pick<DataParallelOptions, 'overlap' | 'bucketBytes'> {
  const o: Pick<DataParallelOptions, 'overlap' | 'bucketBytes'> = {};
  const ov = env.KENSA_DDP_OVERLAP;
  if (ov !== undefined && ov !== '') {
    if (ov !== '0' && ov !== '1') throw new Error(`KENSA_DDP_OVERLAP must be 0 or 1, got '${ov}'`);
    o.overlap = ov === '1';
  }
  const mb = env.KENSA_DDP_BUCKET_MB;
  if (mb !== undefined && mb !== '') {
    const v = Number(mb);
    if (!Number.isFinite(v) || v <= 0) throw new Error(`KENSA_DDP_BUCKET_MB must be a positive number of megabytes, got '${mb}'`);
    o.bucketBytes = Math.max(1, Math.round(v * 1024 * 1024));
  }
  return o;
}

let worldGroup: Promise<ProcessGroup> | undefined;

/**
 * The group torchrun's environment describes, joined once per process and kept for every later
 * use (a command may fit several times, e.g. one fit per fold): a second rendezvous on the same
 * port would race the first store's shutdown.
 */
export function worldGroupFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<ProcessGroup> {
  const c = distConfigFromEnv(env);
  if (!c) throw new Error('worldGroupFromEnv: WORLD_SIZE is unset (not under kensa launch)');
  worldGroup ??= ProcessGroup.init(c);
  worldGroup.catch(() => (worldGroup = undefined));
  return worldGroup;
}

/** Makes `task` data-parallel over `group`; close() leaves the group unless keepGroup. */
export async function makeDataParallel(task: Replicated, group: ProcessGroup, o: DataParallelOptions = {}): Promise<DataParallel> {
  const fromEnv = o.overlap === undefined || o.bucketBytes === undefined ? ddpOptionsFromEnv() : {};
  const bucketBytes = o.bucketBytes ?? fromEnv.bucketBytes ?? 25 * 1024 * 1024;
  if (!(bucketBytes > 0)) throw new RangeError(`makeDataParallel: bucketBytes must be positive, got ${bucketBytes}`);
  const overlap = (o.overlap ?? fromEnv.overlap ?? true) && reducerAvailable();
  // rank 0's parameters and buffers (e.g. batch-norm running statistics) everywhere
  for (const m of Object.values(task.modules)) {
    const ts = [...m.parameters(), ...m.namedBuffers().map(([, t]) => t)];
    for (const b of buckets(ts)) await group.broadcast(b, 0);
  }
  const side = overlap ? await group.side('grad-reducer') : undefined;
  const gradBytes: Record<string, number> = {};
  const reducers: Record<string, GradReducer> = {};
  const restore: (() => void)[] = [];
  // parameters without a gradient are assumed to lack it on every rank (the same model and code)
  const allReduceAfter = (params: Tensor[]): void => {
    const grads = params.map((p) => p.grad).filter((g): g is Tensor => g !== undefined);
    try {
      for (const b of buckets(grads, bucketBytes)) group.allReduceSync(b, 'avg'); // in place: the handles share the gradients' storage
    } finally {
      for (const g of grads) g.dispose();
    }
  };
  for (const [name, opt] of Object.entries(task.optimizers)) {
    const original = opt.step;
    const params = opt.allParams();
    gradBytes[name] = params.reduce((a, p) => a + p.numel * bytesPer(p.dtype), 0);
    if (side) {
      // hooked: the parameters that require grad now, last layers first; the others (frozen now,
      // perhaps trained later) are all-reduced after backward whenever they have a gradient
      const hooked = params.filter((p) => p.requiresGrad);
      const rest = params.filter((p) => !p.requiresGrad);
      const reducer = hooked.length > 0 ? new GradReducer(side, buckets([...hooked].reverse(), bucketBytes)) : undefined;
      if (reducer) reducers[name] = reducer;
      const zero = opt.zeroGrad;
      if (zero) {
        opt.zeroGrad = function zeroGrad(this: typeof opt): void {
          zero.call(this);
          reducer?.arm();
        };
      }
      opt.step = function step(this: typeof opt): void {
        reducer?.finish();
        if (rest.length > 0) allReduceAfter(rest);
        original.call(this);
      };
      restore.push(() => {
        if (zero) opt.zeroGrad = zero;
        reducer?.destroy();
      });
    } else {
      opt.step = function step(this: typeof opt): void {
        allReduceAfter(this.allParams());
        original.call(this);
      };
    }
    restore.push(() => {
      opt.step = original;
    });
  }
  const prevShard = setDataShard({ rank: group.rank, worldSize: group.worldSize });
  const prevSync = setSyncGroup(group); // for batch norm converted by syncBatchNorm (src/nn/sync-batch-norm.ts)
  return {
    group,
    gradBytes,
    overlap,
    reducerStats: () => Object.fromEntries(Object.entries(reducers).map(([k, r]) => [k, r.stats()])),
    close() {
      for (const r of restore) r();
      setDataShard(prevShard);
      setSyncGroup(prevSync);
      if (!o.keepGroup) group.destroy();
    },
  };
}
