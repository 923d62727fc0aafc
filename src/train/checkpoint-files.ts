// Checkpoint files on disk without the engine: names, the JSON sidecar, and which checkpoints are
// complete (a sidecar naming a tensor file in its folder of the recorded size). Kept apart from
// checkpoint.ts so that the CLI's run folder can ask without loading libtorch.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { OptimizerState } from '../optim/index.js';

export const CHECKPOINT_FORMAT = 'kensa-checkpoint/1';

/** The JSON sidecar of a checkpoint. */
export interface CheckpointMeta {
  format: string;
  /** Completed epochs (1-based). */
  epoch: number;
  /** Tensor file name, relative to the checkpoint folder. */
  tensors: string;
  /** Its size in bytes, to tell a complete file from a torn one. */
  bytes: number;
  /** SHA-256 (hex) of the tensor file, checked before a resume loads it (absent in older checkpoints). */
  sha256?: string;
  optimizers: Record<string, OptimizerState['scalars']>;
  history: unknown[];
  extra?: unknown;
  /** Best epoch so far and its monitored value. */
  best?: { epoch: number; metric: string; value: number };
}

const pad = (e: number): string => String(e).padStart(4, '0');
export const epochTensorFile = (epoch: number): string => `epoch-${pad(epoch)}.safetensors`;
export const epochMetaFile = (epoch: number): string => `epoch-${pad(epoch)}.json`;
export const BEST_FILE = 'best.safetensors';

function readMeta(dir: string, file: string): CheckpointMeta | undefined {
  try {
    const meta = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CheckpointMeta;
    if (meta.format !== CHECKPOINT_FORMAT || typeof meta.tensors !== 'string' || basename(meta.tensors) !== meta.tensors || !Number.isSafeInteger(meta.epoch)) return undefined;
    const t = join(dir, meta.tensors);
    if (!existsSync(t) || statSync(t).size !== meta.bytes) return undefined;
    return meta;
  } catch {
    return undefined;
  }
}

/** Complete checkpoints in dir, newest last. */
export function listCheckpoints(dir: string): CheckpointMeta[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^epoch-\d+\.json$/.test(f))
    .map((f) => readMeta(dir, f))
    .filter((m): m is CheckpointMeta => m !== undefined)
    .sort((a, b) => a.epoch - b.epoch);
}

export function latestCheckpoint(dir: string): CheckpointMeta | undefined {
  return listCheckpoints(dir).at(-1);
}

