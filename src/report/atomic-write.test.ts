import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';

test('writeFileAtomic writes, replaces, and leaves no temp files', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kensa-atomic-'));
  const file = join(dir, 'sub', 'a.txt');
  await writeFileAtomic(file, 'first');
  await writeFileAtomic(file, 'second');
  assert.equal(await readFile(file, 'utf8'), 'second');
  assert.deepEqual(await readdir(join(dir, 'sub')), ['a.txt']);
});

test('writeFileAtomic fails cleanly when the target is a folder, leaving no temp file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kensa-atomic-'));
  await mkdir(join(dir, 'taken'));
  await assert.rejects(writeFileAtomic(join(dir, 'taken'), 'x'));
  assert.deepEqual(await readdir(dir), ['taken']);
});
