// A run folder: config.json (resolved options, command, date, versions), log.txt, metrics.json,
// figures/ (via the report layer), checkpoints/, and report.html at the end.
import { appendFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import { RunFigures } from '../report/run-figures.js';
import { writeReport } from '../report/report.js';
import { replicaRunDir } from '../distributed/replica.js';

export class RunFolder {
  readonly dir: string;
  readonly figures: RunFigures;
  /** Whether this process created the folder (then a failed run with nothing worth keeping removes it). */
  readonly created: boolean;
  constructor(dir: string) {
    // a rank > 0 of a data-parallel job (kensa launch) works in a private copy: only rank 0 writes here
    this.dir = resolve(replicaRunDir(dir));
    this.created = !existsSync(this.dir);
    mkdirSync(this.dir, { recursive: true });
    this.figures = new RunFigures(this.dir);
  }
  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }
  async writeConfig(config: Record<string, unknown>): Promise<void> {
    await writeFileAtomic(this.path('config.json'), `${JSON.stringify(config, null, 2)}\n`);
  }
  async writeMetrics(metrics: unknown): Promise<void> {
    await writeFileAtomic(this.path('metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
  }
  async writeJson(name: string, value: unknown): Promise<void> {
    await writeFileAtomic(this.path(name), `${JSON.stringify(value, null, 2)}\n`);
  }
  log(line: string): void {
    appendFileSync(this.path('log.txt'), `${new Date().toISOString()} ${line}\n`);
  }
  /** Folder for checkpoints (created on demand). */
  checkpointDir(): string {
    const d = this.path('checkpoints');
    mkdirSync(d, { recursive: true });
    return d;
  }
  hasCheckpoints(): boolean {
    const d = this.path('checkpoints');
    return existsSync(d) && readdirSync(d).length > 0;
  }
  async writeReport(title: string): Promise<string> {
    return writeReport(this.dir, { title });
  }
  /** After a failure: remove a folder this run created if it holds nothing worth keeping. */
  discardIfEmpty(): boolean {
    if (this.created && !this.hasCheckpoints()) {
      rmSync(this.dir, { recursive: true, force: true });
      return true;
    }
    return false;
  }
}
