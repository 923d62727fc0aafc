// Seeded mutation fuzzing of every reader (CI budget: 20 cases per target, ~20-40 s; scripts/fuzz.mjs
// runs longer): PNG, JPEG, TIFF (page and stack), NIfTI (.nii, .nii.gz, and a mutated .nii inside a
// good gzip stream), DICOM, kensa info's fileInfo, safetensors, checkpoints (best weights, a resumed
// checkpoint, its sidecar), scribble masks and region-name CSVs, each read in a child process under
// a per-case time limit: every case must succeed or give a one-line InputError. Plus the regression
// cases the fuzzer found (each failed before its reader was fixed) and a check that the harness does
// catch what it must (a crash, a hang, a non-InputError).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataRoot } from '../util/data-root.js';
import { Rng } from '../data/rng.js';
import { fuzz, mutate, mutateJsonField, readInChild } from '../testing/fuzz.js';
import { fuzzSeeds, writeCheckpointFixture } from '../testing/fuzz-targets.js';

const work = mkdtempSync(join(tmpdir(), 'kensa-fuzz-'));
after(() => rmSync(work, { recursive: true, force: true }));

test('mutations are seeded: the same (seed, case) gives the same bytes, another seed other bytes', () => {
  const bytes = new Uint8Array(2000).map((_, i) => i % 251);
  const a = mutate(bytes, Rng.derive(5, 1, 2));
  const b = mutate(bytes, Rng.derive(5, 1, 2));
  const c = mutate(bytes, Rng.derive(6, 1, 2));
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.bytes, c.bytes);
  assert.deepEqual(bytes.subarray(0, 4), new Uint8Array([0, 1, 2, 3]), 'the seed bytes are not changed in place');
  const json = mutateJsonField(new Uint8Array(Buffer.from('{"a":{"b":[1,2]}}')), new Rng(1), 'json');
  assert.ok(json && JSON.parse(Buffer.from(json.bytes).toString()) !== undefined, 'a field mutation keeps JSON well-formed');
});

test('fuzzing every reader (20 cases each): only successes and one-line InputErrors', async (t) => {
  const seeds = await fuzzSeeds(dataRoot(), join(work, 'seeds'));
  const missing = ['png', 'jpeg', 'tiff', 'nifti', 'dicom', 'csv'].filter((k) => !seeds[k as keyof typeof seeds]);
  if (missing.length) t.diagnostic(`no real seed files for ${missing.join(', ')} (shared data absent): those targets are skipped`);
  const report = await fuzz({ seeds, casesPerTarget: 20, seed: 15, timeLimitMs: 10000, workDir: join(work, 'cases') });
  for (const [target, c] of Object.entries(report.perTarget)) t.diagnostic(`${target}: ${JSON.stringify(Object.fromEntries(Object.entries(c).filter(([, n]) => n > 0)))}`);
  assert.deepEqual(report.findings.map((f) => `${f.case.target} #${f.case.index} ${f.case.mutations.map((m) => `${m.kind} ${m.detail}`).join('; ')}: ${f.outcome} ${f.detail}`), []);
  // a fuzzer whose mutations never get past the first check would pass too: some cases must be read successfully
  const ok = Object.values(report.perTarget).reduce((a, c) => a + c.ok, 0);
  const errors = Object.values(report.perTarget).reduce((a, c) => a + c['input-error'], 0);
  assert.ok(ok >= 0.05 * report.cases && errors >= 0.3 * report.cases, `${ok} read, ${errors} refused of ${report.cases}`);
});

test('the harness tells a crash, a hang and a stray error from an InputError', async () => {
  assert.equal((await readInChild('harness-abort', '')).outcome, 'crash');
  assert.equal((await readInChild('harness-hang', '', 1500)).outcome, 'hang');
  assert.equal((await readInChild('harness-type-error', '')).outcome, 'other-error');
  assert.equal((await readInChild('harness-multi-line', '')).outcome, 'multi-line-error');
  // a NIfTI header claiming 2^31 voxels per axis in a 400-byte file: an InputError, not an allocation
  const d = join(work, 'harness');
  mkdirSync(d, { recursive: true });
  const head = new Uint8Array(400);
  const v = new DataView(head.buffer);
  v.setInt32(0, 348, true);
  v.setInt16(40, 3, true);
  for (let k = 1; k <= 3; k++) v.setInt16(40 + 2 * k, 32767, true);
  v.setInt16(70, 16, true);
  v.setInt16(72, 32, true);
  v.setFloat32(108, 352, true);
  head.set(Buffer.from('n+1\0'), 344);
  writeFileSync(join(d, 'huge.nii'), head);
  const r = await readInChild('nifti', join(d, 'huge.nii'));
  assert.equal(r.outcome, 'input-error', r.detail);
  assert.match(r.detail, /huge\.nii: /);
  // a checkpoint-sidecar case whose tensor file is missing entirely reads as "no checkpoint" (ok), never a throw
  mkdirSync(join(d, 'ck'), { recursive: true });
  await writeCheckpointFixture(join(d, 'ck'));
  assert.equal((await readInChild('checkpoint-sidecar', join(d, 'ck', 'epoch-0001.json'))).outcome, 'ok');
});

// Regression cases the fuzzer found (seeded runs of scripts/fuzz.mjs), each an other-error before the fix.
test('regressions: safetensors entries and checkpoint state that used to throw TypeErrors', async () => {
  const d = join(work, 'regress');
  mkdirSync(d, { recursive: true });
  await writeCheckpointFixture(d);
  const st = readFileSync(join(d, 'best.safetensors'));
  const n = Number(st.readBigUInt64LE(0));
  const header = JSON.parse(st.subarray(8, 8 + n).toString()) as Record<string, unknown>;
  const rest = st.subarray(8 + n);
  const withHeader = (h: unknown): Buffer => {
    const text = Buffer.from(JSON.stringify(h));
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(text.length));
    return Buffer.concat([len, text, rest]);
  };
  const firstTensor = Object.keys(header).find((k) => k !== '__metadata__')!;
  const cases: [string, unknown, RegExp][] = [
    // safetensors #47 (seed 1): an entry that is null → TypeError reading 'dtype'
    ['null-entry', { ...header, [firstTensor]: null }, /tensor .*: malformed entry/],
    // metadata that is not a string map (seed 1, checkpoint-resume #70)
    ['metadata', { ...header, __metadata__: { epoch: true } }, /malformed __metadata__/],
    // a fractional and a negative dimension: would have reached libtorch
    ['fraction', { ...header, [firstTensor]: { ...(header[firstTensor] as object), shape: [1.5, 2] } }, /shape \[1\.5,2\] is not a list of non-negative integers/],
    ['negative', { ...header, [firstTensor]: { ...(header[firstTensor] as object), shape: [-1, -4] } }, /is not a list of non-negative integers/],
  ];
  for (const [name, h, re] of cases) {
    const f = join(d, `${name}.safetensors`);
    writeFileSync(f, withHeader(h));
    const r = await readInChild('safetensors', f);
    assert.equal(r.outcome, 'input-error', `${name}: ${r.detail}`);
    assert.match(r.detail, re, name);
  }
  // checkpoint sidecars whose optimizer scalars are wrong (seed 1, checkpoint-sidecar #19, #39, #93, #162)
  const sidecar = JSON.parse(readFileSync(join(d, 'epoch-0001.json'), 'utf8')) as { optimizers: { adam: Record<string, unknown> } };
  const bad: [string, unknown][] = [['adam', 2147483648], ['steps', 0], ['groups', null], ['groups', 0]];
  for (const [k, value] of bad) {
    const s = structuredClone(sidecar);
    if (k === 'adam') (s.optimizers as Record<string, unknown>).adam = value;
    else s.optimizers.adam[k] = value;
    const sub = join(d, `sidecar-${k}-${String(value)}`);
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, 'epoch-0001.json'), JSON.stringify(s));
    const r = await readInChild('checkpoint-sidecar', join(sub, 'epoch-0001.json'));
    assert.equal(r.outcome, 'input-error', `${k}=${String(value)}: ${r.detail}`);
    assert.match(r.detail, /epoch-0001\.safetensors: does not fit optimizer 'adam'/);
  }
  // a sidecar naming a tensor file outside its folder never counts as a checkpoint
  const s = structuredClone(sidecar) as unknown as Record<string, unknown>;
  s.tensors = '../best.safetensors';
  const sub = join(d, 'escape');
  mkdirSync(sub, { recursive: true });
  writeFileSync(join(sub, 'epoch-0001.json'), JSON.stringify(s));
  const { listCheckpoints } = await import('../train/checkpoint.js');
  assert.deepEqual(listCheckpoints(sub), []);
});
