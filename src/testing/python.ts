// Runs the PyTorch reference scripts with Debian's /usr/bin/python3 (python3-torch). Tests that
// need it skip with a message when it is missing.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../util/data-root.js';

let available: string | undefined | null = null;

/** undefined when PyTorch is usable, otherwise the reason to skip. */
export function torchSkipReason(): string | undefined {
  if (available === null) {
    const r = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' });
    available = r.status === 0 ? undefined : 'PyTorch reference unavailable: apt-get install python3-torch (for /usr/bin/python3)';
  }
  return available;
}

/** Runs scripts/torchref/<script> with args; throws with its stderr on failure. */
export function runTorchScript(script: string, args: string[]): string {
  const r = spawnSync('/usr/bin/python3', [join(packageRoot(), 'scripts', 'torchref', script), ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${script} failed: ${r.stderr}`);
  return r.stdout;
}
