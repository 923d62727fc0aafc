#!/usr/bin/env node
// Mutation check (not part of CI): does the suite fail when the code is broken? Each break in
// mutations.mjs is applied, one at a time, to a scratch copy of the compiled output; the test files
// listed for it run against that copy, and a table says which of them caught the break. src/ is
// never written: the script checks that `git diff -- src` is the same before and after.
//
//   node scripts/mutation/run.mjs [--only id,id] [--list] [--check] [--skip-build] [--timeout 600]
// (--check: only verify that every pattern matches its compiled file once and still parses)
//
// Builds the project into dist-mut-base/ (tsc, unless --skip-build), copies it to dist-mut/ (both
// top-level so the compiled files still find package.json and the native addon), runs every listed
// test file once unmutated (a file failing there cannot judge a break: it is named in the log, in
// the break's row and under the table), then each break. A mutated file must still parse
// (`node --check`), so a break is caught by what the tests assert, not by a syntax error. Tests run
// under `nice -n 10` with one libtorch thread (OMP_NUM_THREADS=1), one file at a time. Exit code 1 when a break went uncaught or a listed test
// could not be used.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MUTATIONS } from './mutations.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BASE = join(ROOT, 'dist-mut-base');
const WORK = join(ROOT, 'dist-mut');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
}
const has = (name) => process.argv.includes(`--${name}`);
const timeoutS = Number(arg('timeout', '600'));
const only = arg('only', '');
const selected = only ? MUTATIONS.filter((m) => only.split(',').includes(m.id)) : MUTATIONS;
if (only && selected.length !== only.split(',').length) throw new Error(`unknown mutation in --only ${only} (known: ${MUTATIONS.map((m) => m.id).join(', ')})`);

if (has('list')) {
  for (const m of selected) console.log(`${m.id}\t${m.file}\t${m.what}`);
  process.exit(0);
}

/** Path of a compiled file in a build folder; refuses anything outside it (src/ is never written). */
function inBuild(build, rel) {
  const p = resolve(build, 'src', rel);
  const r = relative(build, p);
  if (r.startsWith('..') || resolve(r) === r) throw new Error(`mutation file ${rel} lies outside ${build}`);
  return p;
}
// The TypeScript sources behind the mutated files: their hashes must not change during the run.
const sourceHash = () =>
  selected.map((m) => {
    const ts = join(ROOT, 'src', m.file.replace(/\.js$/, '.ts'));
    return existsSync(ts) ? createHash('sha1').update(readFileSync(ts)).digest('hex') : 'missing';
  }).join(',');
const srcBefore = sourceHash();

function sh(cmd, args, opts = {}) {
  return spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
}

if (!has('skip-build')) {
  console.error('building dist-mut-base ...');
  rmSync(BASE, { recursive: true, force: true }); // no stale compiled tests of deleted sources
  // tsc reports errors in files other people are editing but still emits; only a missing output fails.
  sh('nice', ['-n', '10', 'npx', 'tsc', '-p', 'tsconfig.json', '--outDir', BASE]);
}
if (!existsSync(join(BASE, 'src'))) throw new Error(`${BASE}/src missing: build first (drop --skip-build)`);
const ids = MUTATIONS.map((m) => m.id);
if (new Set(ids).size !== ids.length) throw new Error('mutation ids repeat');
const countIn = (text, find) => text.split(find).length - 1;
const mutate = (text, m) => text.replace(m.find, () => m.replace); // a function: no $-patterns
/** Whether a mutated module still parses (checked as a scratch ES module in the system temp folder). */
function parses(text) {
  const scratch = join(tmpdir(), `kensa-mutation-check-${process.pid}.mjs`);
  writeFileSync(scratch, text);
  try {
    return sh(process.execPath, ['--check', scratch]).status === 0;
  } finally {
    rmSync(scratch, { force: true });
  }
}
if (has('check')) {
  // Patterns only: each break must match its compiled file exactly once and still parse.
  let bad = 0;
  for (const m of selected) {
    const f = inBuild(BASE, m.file);
    const text = existsSync(f) ? readFileSync(f, 'utf8') : undefined;
    const n = text === undefined ? -1 : countIn(text, m.find);
    const ok = n === 1 && parses(mutate(text, m));
    const missing = m.tests.filter((t) => !existsSync(inBuild(BASE, t)));
    if (!ok || missing.length) bad++;
    console.log(`${m.id}: ${n < 0 ? 'file missing' : `${n} match${n === 1 ? '' : 'es'}`}${n === 1 && !ok ? ', mutated file does not parse' : ''}; tests ${missing.map((t) => `${t} MISSING`).join(', ') || 'present'}`);
  }
  process.exit(bad ? 1 : 0);
}
rmSync(WORK, { recursive: true, force: true });
cpSync(BASE, WORK, { recursive: true });

/** Runs one compiled test file; returns pass/fail, the failing top-level tests and the time. */
function runTest(rel) {
  const path = inBuild(WORK, rel);
  if (!existsSync(path)) return { ok: false, missing: true, failed: [], seconds: 0 };
  const t0 = Date.now();
  const r = sh('nice', ['-n', '10', process.execPath, '--expose-gc', '--test', '--test-reporter=tap', path], { timeout: timeoutS * 1000, env: { ...process.env, OMP_NUM_THREADS: '1', KENSA_THREADS: '1' } });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  const failed = [...out.matchAll(/^not ok \d+ - (.*)$/gm)].map((m) => m[1]);
  const timedOut = r.error?.code === 'ETIMEDOUT' || r.signal === 'SIGTERM';
  return { ok: r.status === 0 && !timedOut, timedOut, failed, seconds: (Date.now() - t0) / 1000 };
}

// Baseline: every listed test file, unmutated.
const testFiles = [...new Set(selected.flatMap((m) => m.tests))];
const usable = new Set();
for (const rel of testFiles) {
  const r = runTest(rel);
  console.error(`baseline ${rel}: ${r.missing ? 'missing' : r.ok ? 'pass' : `FAIL ${r.failed.join('; ')}`} (${r.seconds.toFixed(0)} s)`);
  if (r.ok) usable.add(rel);
}

const rows = [];
for (const m of selected) {
  const target = inBuild(WORK, m.file);
  const original = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
  const count = original === undefined ? 0 : countIn(original, m.find);
  const leftOut = m.tests.filter((t) => !usable.has(t));
  if (count !== 1) {
    rows.push({ m, status: original === undefined ? 'file missing' : `pattern found ${count} times`, caught: [], ran: [], leftOut });
    continue;
  }
  const mutated = mutate(original, m);
  if (!parses(mutated)) {
    rows.push({ m, status: 'mutated file does not parse', caught: [], ran: [], leftOut });
    continue;
  }
  const ran = [];
  const caught = [];
  try {
    writeFileSync(target, mutated);
    for (const rel of m.tests) {
      if (!usable.has(rel)) continue;
      const r = runTest(rel);
      ran.push(rel);
      const names = r.failed.map((f) => (f.length > 70 ? `${f.slice(0, 67)}...` : f));
      if (!r.ok) caught.push(`${rel}${r.timedOut ? ' (timed out)' : ''}${names.length ? `: ${names.join('; ')}` : ''}`);
      console.error(`${m.id} × ${rel}: ${r.ok ? 'passed (not caught)' : 'failed (caught)'} (${r.seconds.toFixed(0)} s)`);
    }
  } finally {
    writeFileSync(target, original);
  }
  if (readFileSync(target, 'utf8') !== readFileSync(inBuild(BASE, m.file), 'utf8')) throw new Error(`${m.file} not restored in ${WORK}`);
  rows.push({ m, status: caught.length ? 'caught' : ran.length ? 'NOT CAUGHT' : 'no usable test', caught, ran, leftOut });
}

const srcAfter = sourceHash();
if (srcAfter !== srcBefore) console.error('WARNING: a source behind a mutated file changed while the check ran (edited by someone else?)');

const cell = (s) => s.replace(/\|/g, '\\|');
console.log('| mutation | break | tests run | caught by |');
console.log('|---|---|---|---|');
const short = (t) => t.replace(/\.test\.js/, '');
for (const { m, status, caught, ran, leftOut } of rows) {
  const runCell = `${ran.map(short).join(', ') || '-'}${leftOut.length ? ` (left out, failing unmutated: ${leftOut.map(short).join(', ')})` : ''}`;
  console.log(`| ${m.id} | ${cell(m.what)} | ${cell(runCell)} | ${status === 'caught' ? cell(caught.map(short).join('<br>')) : `**${status}**`} |`);
}
const unusable = testFiles.filter((t) => !usable.has(t));
if (unusable.length) console.log(`\nLeft out (failing or missing unmutated): ${unusable.join(', ')}`);
console.log(`\nsources behind the mutated files unchanged during the run: ${srcAfter === srcBefore ? 'yes' : 'NO'}`);
process.exit(rows.every((r) => r.status === 'caught') && !unusable.length ? 0 : 1);
