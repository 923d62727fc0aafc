import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRunMeta, writeRunMeta, type RunMetaSpec } from './run-meta.js';

const SPEC: RunMetaSpec = { file: 'thing.json', format: 'kensa-thing/1', kind: 'thing', command: 'kensa thing train' };

test('run meta: written with its format first and read back; one-line errors for a missing file, bad JSON and another format', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kensa-run-meta-'));
  try {
    await writeRunMeta(dir, SPEC, { classes: ['a', 'b'] });
    assert.ok(readFileSync(join(dir, 'thing.json'), 'utf8').startsWith('{\n  "format": "kensa-thing/1",'));
    assert.deepEqual(readRunMeta(dir, SPEC), { format: 'kensa-thing/1', classes: ['a', 'b'] });
    const other = join(dir, 'other');
    assert.throws(() => readRunMeta(other, SPEC), (e: Error) => e.message.endsWith('other: is not a thing run (no thing.json; train one with kensa thing train)'));
    writeFileSync(join(dir, 'thing.json'), '{"format": ');
    assert.throws(() => readRunMeta(dir, SPEC), (e: Error) => /thing\.json: not valid JSON \(/.test(e.message) && !e.message.includes('\n'));
    writeFileSync(join(dir, 'thing.json'), '{"format": "kensa-thing/0"}');
    assert.throws(() => readRunMeta(dir, SPEC), /thing\.json: format is 'kensa-thing\/0', expected 'kensa-thing\/1'/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
