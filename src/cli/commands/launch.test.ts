// kensa launch: torchrun's variables per rank, output prefixed by rank, a failing rank fails the
// launch (naming it) and stops the others; bad usage gives one-line errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../main.js', import.meta.url));
const kensa = (...args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: 60_000 });

test('each rank gets MASTER_ADDR/PORT, RANK, WORLD_SIZE, LOCAL_RANK; lines are prefixed by rank', () => {
  const r = kensa('launch', '--nproc', '3', '--json', '--', 'sh', '-c', 'echo "$MASTER_ADDR $MASTER_PORT $RANK $WORLD_SIZE $LOCAL_RANK"');
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n').filter((l) => l.startsWith('[rank'));
  assert.equal(lines.length, 3);
  const port = Number(lines[0].split(' ')[3]);
  assert.ok(port > 0 && port < 65536);
  for (let k = 0; k < 3; k++) assert.ok(lines.includes(`[rank ${k}] 127.0.0.1 ${port} ${k} 3 ${k}`), r.stdout);
  const json = JSON.parse(r.stdout.split('\n').find((l) => l.startsWith('{'))!) as { worldSize: number; ranks: { code: number }[] };
  assert.equal(json.worldSize, 3);
  assert.deepEqual(json.ranks.map((x) => x.code), [0, 0, 0]);
});

test('a failing rank fails the launch naming it and the others are stopped', () => {
  const t0 = Date.now();
  // rank 1 fails at once; rank 0 would sleep 30 s if it were not stopped
  const r = kensa('launch', '--nproc', '2', '--', 'sh', '-c', 'if [ "$RANK" = 1 ]; then exit 3; fi; exec sleep 30');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^kensa: launch: rank 1 exited with code 3; the other ranks were stopped$/m);
  assert.ok(Date.now() - t0 < 20_000, 'rank 0 was not stopped');
});

test('multi-node ranks and bad usage', () => {
  const r = kensa('launch', '--nproc', '2', '--nnodes', '2', '--node-rank', '1', '--master-port', '29999', '--', 'sh', '-c', 'echo "$RANK/$WORLD_SIZE/$LOCAL_RANK"');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /\[rank 2\] 2\/4\/0/);
  assert.match(r.stdout, /\[rank 3\] 3\/4\/1/);
  assert.match(kensa('launch', '--nproc', '2').stderr, /^kensa: command: missing/m);
  assert.match(kensa('launch', '--nnodes', '2', '--', 'true').stderr, /--master-port: must be given/);
  assert.match(kensa('launch', '--nnodes', '2', '--node-rank', '2', '--master-port', '1', '--', 'true').stderr, /--node-rank: 2 is not below/);
  assert.match(kensa('launch', '--', 'launch', '--', 'true').stderr, /cannot launch itself/);
});
