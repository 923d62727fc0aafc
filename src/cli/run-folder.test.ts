// What a failed run leaves: a folder it created is removed unless it holds work --resume can
// continue from (an epoch checkpoint, or finished items' records from a per-image command).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunFolder } from './run-folder.js';

test('discardIfEmpty: removes an empty new folder; keeps finished images/*.json records, and a folder it did not create', () => {
  const base = mkdtempSync(join(tmpdir(), 'kensa-runfolder-'));
  try {
    const empty = new RunFolder(join(base, 'a'));
    writeFileSync(empty.path('log.txt'), 'x');
    mkdirSync(empty.path('images'));
    writeFileSync(empty.path('images', 'note.txt'), 'not a record');
    assert.equal(empty.discardIfEmpty(), true);
    assert.ok(!existsSync(join(base, 'a')));

    const done = new RunFolder(join(base, 'b'));
    mkdirSync(done.path('images'));
    writeFileSync(done.path('images', 'img1.json'), '{}');
    assert.equal(done.hasItemRecords(), true);
    assert.equal(done.discardIfEmpty(), false, 'a finished image is kept for --resume');
    assert.ok(existsSync(done.path('images', 'img1.json')));

    mkdirSync(join(base, 'c'));
    assert.equal(new RunFolder(join(base, 'c')).discardIfEmpty(), false, 'an existing folder is never removed');
    assert.ok(existsSync(join(base, 'c')));
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
