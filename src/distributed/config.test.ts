// torchrun's variables and the tcp:// form → a rank's DistConfig; bad values → one-line errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { distConfigFromEnv, distConfigFromUrl, distEnv } from './config.js';

test('distConfigFromEnv reads torchrun variables; none → a single process', () => {
  assert.equal(distConfigFromEnv({}), undefined);
  const c = distConfigFromEnv({ MASTER_ADDR: 'h', MASTER_PORT: '29500', RANK: '2', WORLD_SIZE: '4', LOCAL_RANK: '0', KENSA_DIST_TIMEOUT: '7.5' });
  assert.deepEqual(c, { host: 'h', port: 29500, rank: 2, worldSize: 4, localRank: 0, timeoutMs: 7500 });
  assert.deepEqual(distConfigFromEnv(distEnv(c!)), { ...c, localRank: 0 });
});

test('bad torchrun variables and URLs give one-line errors naming the variable', () => {
  assert.throws(() => distConfigFromEnv({ WORLD_SIZE: '2', RANK: '0', MASTER_ADDR: 'h' }), /^OptionError: MASTER_PORT: is unset/);
  assert.throws(() => distConfigFromEnv({ WORLD_SIZE: '2', RANK: '2', MASTER_ADDR: 'h', MASTER_PORT: '1' }), /RANK: 2 is not below WORLD_SIZE=2/);
  assert.throws(() => distConfigFromEnv({ WORLD_SIZE: 'two', RANK: '0', MASTER_ADDR: 'h', MASTER_PORT: '1' }), /WORLD_SIZE: expected a non-negative integer/);
  assert.throws(() => distConfigFromEnv({ WORLD_SIZE: '2', RANK: '0', MASTER_ADDR: 'h', MASTER_PORT: '70000' }), /MASTER_PORT: is not a port/);
  assert.throws(() => distConfigFromEnv({ WORLD_SIZE: '2', RANK: '0', MASTER_ADDR: 'h', MASTER_PORT: '1', KENSA_DIST_TIMEOUT: '-1' }), /KENSA_DIST_TIMEOUT/);
  assert.deepEqual(distConfigFromUrl('tcp://10.0.0.1:1234', 1, 3), { host: '10.0.0.1', port: 1234, rank: 1, worldSize: 3, localRank: 1, timeoutMs: 1_800_000 });
  assert.throws(() => distConfigFromUrl('http://x:1', 0, 1), /--dist-url: expected tcp:\/\/HOST:PORT/);
  assert.throws(() => distConfigFromUrl('tcp://x:1', 3, 3), /--rank: must be in 0..2/);
});
