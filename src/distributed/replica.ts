// Only rank 0 writes a run folder: a rank > 0 of a data-parallel job works in a private copy in
// the temporary folder (a copy, so --resume finds the checkpoints), removed when it exits.
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { distConfigFromEnv } from './config.js';

const replicas: string[] = [];

/** Whether `path` lies in a rank > 0's private copy of a run folder. */
export function inReplica(path: string): boolean {
  const p = resolve(path);
  return replicas.some((r) => p === r || p.startsWith(`${r}${sep}`));
}

/** The folder this rank writes for run folder `out`: `out` itself on rank 0 and outside a job. */
export function replicaRunDir(out: string, env: NodeJS.ProcessEnv = process.env): string {
  const c = distConfigFromEnv(env);
  if (!c || c.rank === 0) return out;
  const dir = mkdtempSync(join(tmpdir(), `kensa-rank${c.rank}-`));
  if (existsSync(out)) cpSync(out, dir, { recursive: true });
  replicas.push(resolve(dir));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
