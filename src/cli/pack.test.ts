// The package as a user gets it: `npm pack`, install the tarball into a fresh folder (offline,
// dependencies from the npm cache pinned by this project's package-lock.json), then run `kensa`
// from that folder's bin directory on PATH: --help, and info on a PNG.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../util/data-root.js';
import { writePng } from '../io/png-write.js';

const ROOT = packageRoot();
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  bin: Record<string, string>;
  dependencies: Record<string, string>;
  license?: string;
  engines?: Record<string, string>;
};
const BIN = PKG.bin.kensa;
const ADDON = 'native/build/Release/kensa_native.node';

interface LockEntry {
  dev?: boolean;
  devOptional?: boolean;
  link?: boolean;
  [k: string]: unknown;
}

function npm(args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
}

/** A project depending on the tarball, locked to the versions this checkout's lock file pins. */
function writeInstallProject(dir: string, tarball: string): void {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const spec = `file:${tarball}`;
  const packages: Record<string, unknown> = {
    '': { name: 'kensa-install-check', version: '0.0.0', dependencies: { [PKG.name]: spec } },
    [`node_modules/${PKG.name}`]: {
      version: PKG.version, resolved: spec, license: PKG.license, dependencies: PKG.dependencies, bin: PKG.bin, engines: PKG.engines,
    },
  };
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (key === '' || entry.dev || entry.link) continue;
    const { devOptional: _omit, ...rest } = entry;
    packages[key] = rest;
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'kensa-install-check', version: '0.0.0', private: true, dependencies: { [PKG.name]: spec } }));
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify({ name: 'kensa-install-check', version: '0.0.0', lockfileVersion: 3, requires: true, packages }));
}

test('the bin is an executable node script after the build', (t) => {
  const thisDist = relative(ROOT, fileURLToPath(import.meta.url)).split(/[\\/]/)[0];
  const bin = join(ROOT, BIN);
  assert.ok(existsSync(bin), `${BIN} not built`);
  assert.ok(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n'), `${BIN} lacks the #!/usr/bin/env node line`);
  if (thisDist !== BIN.split('/')[0]) {
    t.skip(`run from ${thisDist}/, not from the build the bin points at (${BIN}); its mode is set by npm run build:ts`);
    return;
  }
  assert.ok((statSync(bin).mode & 0o111) !== 0, `${BIN} is not executable (npm run build:ts runs scripts/chmod-bin.mjs)`);
});

test('npm pack → install into a fresh folder → kensa --help and kensa info from its PATH', { timeout: 180_000 }, async (t) => {
  if (spawnSync('npm', ['--version'], { encoding: 'utf8' }).status !== 0) {
    t.skip('npm not available');
    return;
  }
  if (!existsSync(join(ROOT, BIN)) || !existsSync(join(ROOT, ADDON))) {
    t.skip(`build first (${BIN} and ${ADDON} are packed): npm run build`);
    return;
  }
  const tmp = mkdtempSync(join(tmpdir(), 'kensa-pack-'));
  try {
    const packed = npm(['pack', '--json', '--pack-destination', tmp], ROOT);
    assert.equal(packed.status, 0, `npm pack failed: ${packed.stderr}`);
    const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
    const files = new Set(info.files.map((f) => f.path));
    for (const f of [BIN, ADDON, 'package.json', 'native/find-libtorch.cjs', 'dist/src/index.js']) assert.ok(files.has(f), `tarball lacks ${f}`);

    const project = join(tmp, 'project');
    mkdirSync(project);
    writeInstallProject(project, join(tmp, info.filename));
    const installed = npm(['ci', '--offline', '--no-audit', '--no-fund'], project);
    if (installed.status !== 0 && /ENOTCACHED/.test(installed.stderr)) {
      t.skip(`dependencies not in the npm cache (run npm ci once with network): ${installed.stderr.split('\n')[0]}`);
      return;
    }
    assert.equal(installed.status, 0, `npm ci failed: ${installed.stderr}`);

    const binDir = join(project, 'node_modules', '.bin');
    const env = { ...process.env, PATH: `${binDir}${delimiter}${process.env.PATH ?? ''}` };
    const kensa = (...args: string[]): SpawnSyncReturns<string> => spawnSync('kensa', args, { cwd: tmp, env, encoding: 'utf8' });
    const which = spawnSync('sh', ['-c', 'command -v kensa'], { env, encoding: 'utf8' });
    assert.equal(dirname(which.stdout.trim()), binDir, 'kensa on PATH is not the installed one');

    const help = kensa('--help');
    assert.equal(help.status, 0, `kensa --help failed: ${help.stderr}`);
    assert.match(help.stdout, /usage: kensa <command>/);
    assert.match(help.stdout, /\binfo\b/);

    // 5 wide, 3 high, grey 8-bit
    const png = join(tmp, 'tiny.png');
    await writePng(png, { width: 5, height: 3, channels: 1, bitDepth: 8, data: new Uint8Array(15).map((_, i) => i * 17) });
    const shown = kensa('info', png, '--json');
    assert.equal(shown.status, 0, `kensa info failed: ${shown.stderr}`);
    const facts = JSON.parse(shown.stdout) as { shape: number[]; dtype: string };
    assert.deepEqual(facts.shape.filter((d) => d !== 1), [3, 5]);
    assert.equal(facts.dtype, 'uint8');
    // the installed copy answers bad input with a one-line error, as the checkout does
    const missing = kensa('info', join(tmp, 'absent.png'));
    assert.notEqual(missing.status, 0);
    assert.match(missing.stderr, /absent\.png/);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
