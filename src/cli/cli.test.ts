// The CLI end to end: help, option checking with one-line errors and exit codes, --json results,
// run folders with report, and no partial output after a failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot, dataset } from '../util/data-root.js';
import { missingSource } from '../methods/demo/embedded-sources.js';
import { COMMANDS } from './registry.js';
import { helpText, parseArgs } from './parse.js';
import { OptionError } from '../util/errors.js';
import { classifyTrainCommand } from './commands/classify-train.js';

// The CLI of the build this test belongs to (dist*/src/cli/main.js beside dist*/src/cli/cli.test.js).
const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));

function kensa(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

test('every registered command has help generated from its option specs', () => {
  for (const cmd of COMMANDS) {
    const h = helpText(cmd);
    assert.match(h, new RegExp(`kensa ${cmd.name}`));
    for (const key of Object.keys(cmd.options)) assert.match(h, new RegExp(`--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`));
  }
  const r = kensa('--help');
  assert.equal(r.code, 0);
  for (const cmd of COMMANDS) assert.match(r.stdout, new RegExp(`\\b${cmd.name}\\b`));
});

test('option parsing: defaults, kebab-case flags, --no-x, = syntax, typed errors', () => {
  const p = parseArgs(classifyTrainCommand, ['--data', 'd', '--epochs', '3', '--batch-size=10', '--no-json', '--lr', '1e-3']);
  assert.equal(p.options.epochs, 3);
  assert.equal(p.options.batchSize, 10);
  assert.equal(p.options.json, false);
  assert.equal(p.options.lr, 0.001);
  assert.equal(p.options.seed, 0);
  const bad: [string[], RegExp][] = [
    [['--epochs', 'abc'], /^--epochs: expected a number, got 'abc'$/],
    [['--epochs', '2.5'], /^--epochs: expected an integer/],
    [['--epochs', '0'], /^--epochs: must be at least 1/],
    [['--epochs'], /^--epochs: needs a value$/],
    [['--bogus'], /^--bogus: unknown option/],
    [['extra'], /^extra: unexpected argument/],
  ];
  for (const [argv, re] of bad) {
    assert.throws(() => parseArgs(classifyTrainCommand, ['--data', 'd', ...argv]), (e: unknown) => e instanceof OptionError && re.test(e.message), argv.join(' '));
  }
});

test('bad options and files: one line on stderr, exit code, no stack trace unless --debug', () => {
  const a = kensa('classify', 'train', '--data', 'd', '--epochs', 'x');
  assert.equal(a.code, 2);
  assert.equal(a.stderr.trim(), "kensa: --epochs: expected a number, got 'x'");
  const b = kensa('nonsense');
  assert.equal(b.code, 2);
  assert.match(b.stderr, /^kensa: nonsense: unknown command/);
  const c = kensa('info', '/no/such/file.png');
  assert.equal(c.code, 1);
  assert.equal(c.stderr.trim().split('\n').length, 1);
  assert.match(c.stderr, /\/no\/such\/file\.png/);
  const d = kensa('info', '/no/such/file.png', '--debug');
  assert.ok(d.stderr.split('\n').length > 2, 'stack trace with --debug');
  const e = kensa('info');
  assert.match(e.stderr, /FILE: missing/);
  const f = kensa('demo', '--device', 'cuda:7', '--quiet');
  assert.equal(f.code, 2);
  assert.match(f.stderr, /--device: cuda:7 requested but this libtorch sees \d+ CUDA device/);
});

test('info --json prints {kind, shape, dtype, spacing}', { skip: dataset('dicom-small').skip }, () => {
  const r = kensa('info', join(dataset('dicom-small').path!, 'CT_small.dcm'), '--json');
  assert.equal(r.code, 0, r.stderr);
  const info = JSON.parse(r.stdout) as { kind: string; shape: number[]; dtype: string; spacing: number[] };
  assert.equal(info.kind, 'dicom');
  assert.deepEqual(info.shape, [128, 128]);
  assert.equal(info.spacing.length, 2);
});

test('demo --only segment --budget tiny writes a complete run folder with index.html, its part run inside', { skip: missingSource('skimage') }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'kensa-cli-'));
  try {
    const out = join(dir, 'run');
    const r = kensa('demo', '--out', out, '--json', '--quiet', '--only', 'segment', '--budget', 'tiny', '--threads', '1');
    assert.equal(r.code, 0, r.stderr);
    const res = JSON.parse(r.stdout) as { index: string; parts: { name: string; report: string }[] };
    assert.equal(res.index, join(out, 'index.html'));
    assert.deepEqual(res.parts.map((p) => p.name), ['segment']);
    for (const f of ['config.json', 'log.txt', 'metrics.json', 'summary.json', 'report.html', 'index.html', join('5-segment', 'segment', 'report.html')]) assert.ok(existsSync(join(out, f)), f);
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as { options: { only: string }; command: string };
    assert.equal(config.options.only, 'segment');
    assert.match(config.command, /^kensa demo --out/);
    const sub = JSON.parse(readFileSync(join(out, '5-segment', 'segment', 'config.json'), 'utf8')) as { command: string };
    assert.match(sub.command, /^kensa segment /);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    assert.match(html, /<section id="summary">/);
    assert.doesNotMatch(html, /<script src=|<link [^>]*href="http/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a run that fails before writing anything worth keeping leaves no folder behind', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kensa-cli-'));
  try {
    writeFileSync(join(dir, 'not-a-dir'), 'x');
    const out = join(dir, 'not-a-dir', 'run');
    const r = kensa('demo', '--out', out, '--quiet', '--only', 'segment', '--budget', 'tiny');
    assert.notEqual(r.code, 0);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.deepEqual(readdirSync(dir), ['not-a-dir']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// Contract over the registry: every command answers --help, and rejects an unknown option and
// missing arguments with one line naming the problem, exit code 2, and no output folder.
for (const cmd of COMMANDS) {
  test(`command contract: kensa ${cmd.name}`, () => {
    const words = cmd.name.split(' ');
    const help = kensa(...words, '--help');
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /^kensa /);
    const dir = mkdtempSync(join(tmpdir(), 'kensa-contract-'));
    try {
      const out = join(dir, 'run');
      const bogus = kensa(...words, '--definitely-not-an-option', 'x', '--out', out);
      assert.equal(bogus.code, 2);
      assert.equal(bogus.stderr.trim().split('\n').length, 1, bogus.stderr);
      assert.match(bogus.stderr, /--definitely-not-an-option: unknown option/);
      assert.equal(existsSync(out), false);
      const required = (cmd.positionals ?? []).filter((p) => p.required ?? true);
      if (required.length > 0) {
        const missing = kensa(...words);
        assert.equal(missing.code, 2);
        const esc = required[0].name.replace(/[|\\{}()[\]^$+*?.]/g, '\\$&');
        // a required option may be reported first; either way one line naming what is missing
        assert.match(missing.stderr, new RegExp(`(${esc}: missing|--[a-z-]+: is required)`));
        assert.equal(missing.stderr.trim().split('\n').length, 1);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test("the README's command table lists every registered command", () => {
  const readme = readFileSync(join(packageRoot(), 'README.md'), 'utf8');
  for (const cmd of COMMANDS) assert.ok(readme.includes(`| \`kensa ${cmd.name}`), `README lacks a table row for 'kensa ${cmd.name}'`);
});
