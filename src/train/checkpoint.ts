// Training checkpoints: every module's state dict and every optimizer's state in one safetensors
// file per epoch, with a JSON sidecar written last (scalars, history, extra state). A checkpoint
// counts only when its sidecar exists and names a tensor file of the recorded size, so a run
// killed mid-write resumes from the previous complete checkpoint; before a resume loads one, the
// tensor file's SHA-256 (recorded in the sidecar) is checked, so a garbled file is never loaded.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { BEST_FILE, CHECKPOINT_FORMAT, epochMetaFile, epochTensorFile, listCheckpoints, type CheckpointMeta } from './checkpoint-files.js';
import { join } from 'node:path';
import { loadSafetensors, saveSafetensors } from '../engine/safetensors.js';
import type { Tensor } from '../engine/index.js';
import type { Module } from '../nn/module.js';
import type { Optimizer, OptimizerState } from '../optim/index.js';
import { writeFileAtomicSync } from '../util/atomic-write.js';
import { InputError } from '../util/errors.js';

export { BEST_FILE, CHECKPOINT_FORMAT, epochMetaFile, epochTensorFile, latestCheckpoint, listCheckpoints, type CheckpointMeta } from './checkpoint-files.js';

/** What a checkpoint holds, by name. */
export interface CheckpointParts {
  modules: Record<string, Module>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  optimizers?: Record<string, Optimizer<any>>;
}

/** Writes epoch `epoch`'s checkpoint (tensors first, sidecar last, both atomic). */
export function saveCheckpoint(dir: string, epoch: number, parts: CheckpointParts, meta: Omit<CheckpointMeta, 'format' | 'epoch' | 'tensors' | 'bytes' | 'optimizers'>): CheckpointMeta {
  const tensors = new Map<string, Tensor>();
  for (const [name, m] of Object.entries(parts.modules)) for (const [k, t] of m.stateDict()) tensors.set(`module.${name}.${k}`, t);
  const optimizers: CheckpointMeta['optimizers'] = {};
  for (const [name, opt] of Object.entries(parts.optimizers ?? {})) {
    const s = opt.stateDict();
    for (const [k, t] of s.tensors) tensors.set(`optim.${name}.${k}`, t);
    optimizers[name] = s.scalars;
  }
  const file = epochTensorFile(epoch);
  saveSafetensors(join(dir, file), tensors, { format: CHECKPOINT_FORMAT, epoch: String(epoch) });
  const bytes = readFileSync(join(dir, file));
  const full: CheckpointMeta = { format: CHECKPOINT_FORMAT, epoch, tensors: file, bytes: bytes.length, sha256: sha256(bytes), optimizers, ...meta };
  writeFileAtomicSync(join(dir, epochMetaFile(epoch)), `${JSON.stringify(full)}\n`);
  return full;
}

/** Writes the modules alone as best.safetensors (the weights users load). */
export function saveBestWeights(dir: string, epoch: number, modules: Record<string, Module>): void {
  const tensors = new Map<string, Tensor>();
  for (const [name, m] of Object.entries(modules)) for (const [k, t] of m.stateDict()) tensors.set(`module.${name}.${k}`, t);
  saveSafetensors(join(dir, BEST_FILE), tensors, { format: CHECKPOINT_FORMAT, epoch: String(epoch) });
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Whether the checkpoint's tensor file still has the digest its sidecar recorded (true when none was recorded). */
export function verifyCheckpoint(dir: string, meta: CheckpointMeta): boolean {
  if (meta.sha256 === undefined) return true;
  try {
    return sha256(readFileSync(join(dir, meta.tensors))) === meta.sha256;
  } catch {
    return false;
  }
}

/**
 * The newest complete checkpoint whose tensor file verifies, and the newer ones skipped as
 * damaged (a resume continues from the newest good one and says which it skipped).
 */
export function latestGoodCheckpoint(dir: string): { meta?: CheckpointMeta; damaged: CheckpointMeta[] } {
  const all = listCheckpoints(dir);
  const damaged: CheckpointMeta[] = [];
  for (let i = all.length - 1; i >= 0; i--) {
    if (verifyCheckpoint(dir, all[i])) return { meta: all[i], damaged };
    damaged.push(all[i]);
  }
  return { damaged };
}

function loadInto(path: string, parts: CheckpointParts, scalars?: CheckpointMeta['optimizers']): Record<string, string> {
  const { tensors, metadata } = loadSafetensors(path);
  try {
    for (const [name, m] of Object.entries(parts.modules)) {
      const prefix = `module.${name}.`;
      const own = new Map([...tensors].filter(([k]) => k.startsWith(prefix)).map(([k, t]) => [k.slice(prefix.length), t]));
      if (own.size === 0) throw new InputError(path, `holds no weights for module '${name}'`);
      try {
        m.loadStateDict(own);
      } catch (e) {
        throw new InputError(path, `does not fit module '${name}' (${(e as Error).message})`);
      }
    }
    for (const [name, opt] of Object.entries(parts.optimizers ?? {})) {
      const s = scalars?.[name];
      if (s === undefined) throw new InputError(path, `holds no state for optimizer '${name}'`);
      const prefix = `optim.${name}.`;
      const own = new Map([...tensors].filter(([k]) => k.startsWith(prefix)).map(([k, t]) => [k.slice(prefix.length), t]));
      try {
        opt.loadStateDict({ tensors: own, scalars: s });
      } catch (e) {
        throw new InputError(path, `does not fit optimizer '${name}' (${(e as Error).message.split('\n')[0]})`);
      }
    }
    return metadata;
  } finally {
    for (const t of tensors.values()) t.dispose();
  }
}

/** Restores modules and optimizers from a complete checkpoint. */
export function loadCheckpoint(dir: string, meta: CheckpointMeta, parts: CheckpointParts): void {
  loadInto(join(dir, meta.tensors), parts, meta.optimizers);
}

/**
 * Loads module weights only: 'best' (best.safetensors, else the newest checkpoint), 'last', or an
 * epoch number. Returns the epoch loaded.
 */
export function loadWeights(dir: string, modules: Record<string, Module>, which: 'best' | 'last' | number = 'best'): number {
  if (which === 'best' && existsSync(join(dir, BEST_FILE))) {
    return Number(loadInto(join(dir, BEST_FILE), { modules }).epoch);
  }
  const all = listCheckpoints(dir);
  const meta = which === 'best' || which === 'last' ? all.at(-1) : all.find((m) => m.epoch === which);
  if (!meta) throw new InputError(dir, which === 'best' || which === 'last' ? 'holds no complete checkpoint' : `holds no checkpoint of epoch ${which}`);
  loadInto(join(dir, meta.tensors), { modules });
  return meta.epoch;
}

/** Removes epoch checkpoints except the newest `keepLast` and the `keep` epoch (e.g. the best). */
export function pruneCheckpoints(dir: string, keepLast: number, keep?: number): void {
  const all = listCheckpoints(dir);
  for (const m of all.slice(0, Math.max(0, all.length - keepLast))) {
    if (m.epoch === keep) continue;
    rmSync(join(dir, epochMetaFile(m.epoch)), { force: true }); // sidecar first: the checkpoint stops counting
    rmSync(join(dir, m.tensors), { force: true });
  }
}
