// The JSON that describes a trained run (classifier.json, segmenter.json, cyclegan.json,
// landmark-model.json): written atomically with its format tag first; read back with one-line
// errors for a folder that is not such a run, a file that is not JSON, and another format.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import { InputError } from './errors.js';

/** What a run-meta file is, for its errors: `is not a ${kind} run (no FILE; train one with ${command})`. */
export interface RunMetaSpec {
  file: string;
  format: string;
  kind: string;
  command: string;
}

export async function writeRunMeta(runDir: string, spec: RunMetaSpec, meta: object): Promise<void> {
  await writeFileAtomic(join(runDir, spec.file), `${JSON.stringify({ format: spec.format, ...meta }, null, 2)}\n`);
}

/** Parses a JSON file; a syntax error becomes a one-line InputError naming it. */
export function readJsonFile<T>(path: string): T {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (e) {
    throw new InputError(path, `not valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
}

export function readRunMeta<T extends { format: string }>(runDir: string, spec: RunMetaSpec): T {
  const path = join(runDir, spec.file);
  if (!existsSync(path)) throw new InputError(runDir, `is not a ${spec.kind} run (no ${spec.file}; train one with ${spec.command})`);
  const meta = readJsonFile<T>(path);
  if (meta.format !== spec.format) throw new InputError(path, `format is '${String(meta.format)}', expected '${spec.format}'`);
  return meta;
}
