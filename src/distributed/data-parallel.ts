// Data-parallel training for the fit loop: rank 0's weights and buffers broadcast to every rank,
// then each optimizer step first averages the gradients over the ranks (bucketed: one collective
// per ~25 MB of gradients, the tensors of a bucket flattened into one buffer by the addon).
// Batch-norm statistics stay per replica (each rank normalises by its own part of the batch and
// keeps its own running estimates; rank 0's are the ones saved), as PyTorch's DDP does without
// SyncBatchNorm, unless the model's batch norms were converted by syncBatchNorm (--sync-bn):
// those reduce their statistics over the group set here.
import type { Tensor } from '../engine/tensor.js';
import type { Module } from '../nn/module.js';
import { ProcessGroup } from './process-group.js';
import { distConfigFromEnv } from './config.js';
import { ranksApart, setDataShard, setSyncGroup } from './world.js';

/** What data-parallel training needs from a fit task. */
export interface Replicated {
  modules: Record<string, Module>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  optimizers: Record<string, { step(): void; allParams(): Tensor[] }>;
}

export interface DataParallel {
  group: ProcessGroup;
  /** Bytes of gradients all-reduced per optimizer step, per optimizer. */
  gradBytes: Record<string, number>;
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
  return makeDataParallel(task, await worldGroupFromEnv(env), { keepGroup: true });
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
export async function makeDataParallel(task: Replicated, group: ProcessGroup, o: { keepGroup?: boolean } = {}): Promise<DataParallel> {
  // rank 0's parameters and buffers (e.g. batch-norm running statistics) everywhere
  for (const m of Object.values(task.modules)) {
    const ts = [...m.parameters(), ...m.namedBuffers().map(([, t]) => t)];
    for (const b of buckets(ts)) await group.broadcast(b, 0);
  }
  const gradBytes: Record<string, number> = {};
  const restore: (() => void)[] = [];
  for (const [name, opt] of Object.entries(task.optimizers)) {
    const original = opt.step;
    gradBytes[name] = opt.allParams().reduce((a, p) => a + p.numel * bytesPer(p.dtype), 0);
    opt.step = function step(this: typeof opt): void {
      // parameters without a gradient are assumed to lack it on every rank (the same model and code)
      const grads = this.allParams().map((p) => p.grad).filter((g): g is Tensor => g !== undefined);
      try {
        for (const b of buckets(grads)) group.allReduceSync(b, 'avg'); // in place: the handles share the gradients' storage
      } finally {
        for (const g of grads) g.dispose();
      }
      original.call(this);
    };
    restore.push(() => {
      opt.step = original;
    });
  }
  const prevShard = setDataShard({ rank: group.rank, worldSize: group.worldSize });
  const prevSync = setSyncGroup(group); // for batch norm converted by syncBatchNorm (src/nn/sync-batch-norm.ts)
  return {
    group,
    gradBytes,
    close() {
      for (const r of restore) r();
      setDataShard(prevShard);
      setSyncGroup(prevSync);
      if (!o.keepGroup) group.destroy();
    },
  };
}
