// kensa serve guards: path traversal and symlink escape, oversized bodies, token, Origin, run
// requests checked against the registry, uploads checked by the readers; one worker run and a cancel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { startServer, runArgv, type KensaServer } from './app.js';

interface Reply { status: number; body: string }
function call(s: KensaServer, method: string, path: string, headers: Record<string, string> = {}, body?: Buffer | string): Promise<Reply> {
  return new Promise((ok, fail) => {
    const u = new URL(s.url);
    const req = request({ host: u.hostname, port: u.port, method, path, headers }, (res) => {
      let b = '';
      res.on('data', (d: Buffer) => (b += d.toString()));
      res.on('end', () => ok({ status: res.statusCode ?? 0, body: b }));
    });
    req.on('error', (e) => (/EPIPE|ECONNRESET/.test(String(e)) ? ok({ status: 413, body: '' }) : fail(e)));
    req.end(body);
  });
}

function fixture(): { root: string; outside: string } {
  const base = mkdtempSync(join(tmpdir(), 'kensa-serve-'));
  const root = join(base, 'runs');
  const outside = join(base, 'secret');
  mkdirSync(join(root, 'run1'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(root, 'run1', 'report.html'), '<h1>ok</h1>');
  writeFileSync(join(outside, 'key.txt'), 'SECRET');
  symlinkSync(outside, join(root, 'escape'));
  symlinkSync(join(outside, 'key.txt'), join(root, 'run1', 'key.txt'));
  symlinkSync(join(root, 'run1', 'report.html'), join(root, 'inside.html'));
  return { root, outside };
}

test('files inside the runs folder are served; traversal and symlinks out of it are refused', async () => {
  const { root } = fixture();
  const s = await startServer({ runsDir: root, port: 0 });
  try {
    assert.equal((await call(s, 'GET', '/files/run1/report.html')).body, '<h1>ok</h1>');
    assert.equal((await call(s, 'GET', '/files/inside.html')).status, 200, 'a symlink staying inside is fine');
    for (const p of ['/files/..%2fsecret%2fkey.txt', '/files/%2e%2e/secret/key.txt', '/files/run1/..%2f..%2fsecret/key.txt', '/files/escape/key.txt', '/files/run1/key.txt', '/api/browse?path=..', '/api/browse?path=escape', '/files/run1%00/x']) {
      const r = await call(s, 'GET', p);
      assert.equal(r.status, 403, `${p} answered ${r.status}`);
      assert.ok(!r.body.includes('SECRET'));
    }
    assert.equal((await call(s, 'GET', '/files/run1/none.png')).status, 404);
    assert.deepEqual(JSON.parse((await call(s, 'GET', '/api/browse?path=run1')).body).entries.map((e: { name: string }) => e.name).sort(), ['key.txt', 'report.html']);
  } finally {
    await s.close();
  }
});

test('a token is required when set; binding beyond loopback without one is refused', async () => {
  const { root } = fixture();
  await assert.rejects(startServer({ runsDir: root, host: '0.0.0.0', port: 0 }), /needs a token/);
  const s = await startServer({ runsDir: root, port: 0, token: 'tok-123' });
  try {
    assert.equal((await call(s, 'GET', '/api/commands')).status, 401);
    assert.equal((await call(s, 'GET', '/api/commands', { authorization: 'Bearer tok-124' })).status, 403);
    assert.equal((await call(s, 'GET', '/files/run1/report.html?token=wrong')).status, 403);
    // every route, not only the API: the page, its script, the views, run events, uploads
    for (const [method, path] of [['GET', '/'], ['GET', '/assets/app.js'], ['GET', '/api/runs-list'], ['GET', '/api/views/metric?run=run1'], ['GET', '/api/runs/x/events'], ['POST', '/api/uploads?name=a.png'], ['GET', '/no/such/route']]) {
      assert.equal((await call(s, method, path)).status, 401, `${method} ${path} without a token`);
      assert.equal((await call(s, method, path, { authorization: 'Bearer tok-12' })).status, 403, `${method} ${path} with a wrong token`);
    }
    const page = await call(s, 'GET', '/?token=tok-123');
    assert.equal(page.status, 200);
    assert.match(page.body, /<script type="module" src="\/assets\/app.js">/);
    assert.equal((await call(s, 'GET', '/api/commands', { authorization: 'Bearer tok-123' })).status, 200);
    assert.equal((await call(s, 'GET', '/files/run1/report.html', { cookie: 'kensa_token=tok-123' })).status, 200);
  } finally {
    await s.close();
  }
});

test('cross-origin and oversized requests are refused; run requests are checked against the registry', async () => {
  const { root } = fixture();
  const s = await startServer({ runsDir: root, port: 0, maxJsonBytes: 1000, maxUploadBytes: 5000 });
  try {
    const json = { 'content-type': 'application/json' };
    const bad = JSON.stringify({ command: 'no-such' });
    assert.equal((await call(s, 'POST', '/api/runs', { ...json, origin: 'http://evil.example' }, bad)).status, 403);
    assert.equal((await call(s, 'POST', '/api/runs', { ...json, 'sec-fetch-site': 'cross-site' }, bad)).status, 403);
    assert.equal((await call(s, 'POST', '/api/runs', { ...json, origin: s.url }, bad)).status, 400, 'own origin passes the check');
    assert.equal((await call(s, 'POST', '/api/uploads?name=a.png', { origin: 'http://evil.example' }, Buffer.from('x'))).status, 403, 'cross-origin upload');
    assert.equal((await call(s, 'POST', `/api/runs/x/cancel`, { 'sec-fetch-site': 'cross-site' })).status, 403, 'cross-site cancel');
    assert.equal((await call(s, 'POST', '/api/runs', json, 'x'.repeat(2000))).status, 413);
    assert.equal((await call(s, 'POST', '/api/uploads?name=a.png', {}, Buffer.alloc(6000))).status, 413);
    assert.equal((await call(s, 'POST', '/api/runs', json, '{not json')).status, 400);
    const garbled = await call(s, 'POST', '/api/uploads?name=a.png', {}, Buffer.from('\x89PNG garbage'));
    assert.equal(garbled.status, 400);
    assert.match(JSON.parse(garbled.body).error, /not a readable image/);
    assert.deepEqual(readdirSync(join(root, 'uploads')), [], 'a rejected upload leaves no file');
  } finally {
    await s.close();
  }
  assert.throws(() => runArgv({ command: 'segment', options: { out: '/etc' } }), /unknown option out/);
  assert.throws(() => runArgv({ command: 'segment', options: { nope: 1 } }), /unknown option/);
  assert.throws(() => runArgv({ command: 'segment', positionals: ['--out=/x'] }), /positionals/);
  assert.throws(() => runArgv({ command: 'serve' }), /unknown command/);
  assert.deepEqual(runArgv({ command: 'segment', positionals: ['a.png'], options: { maxIterations: 3, resume: true, threads: 1 } }).argv, ['a.png', '--max-iterations', '3', '--resume', '--threads', '1']);
});

test('an uploaded image runs through a CLI worker; a long run is cancelled', async () => {
  const { root } = fixture();
  const s = await startServer({ runsDir: root, port: 0 });
  try {
    const png = await sharp({ create: { width: 16, height: 12, channels: 3, background: { r: 200, g: 10, b: 10 } } }).png().toBuffer();
    const up = await call(s, 'POST', '/api/uploads?name=red.png', {}, png);
    assert.equal(up.status, 200, up.body);
    const { path, info } = JSON.parse(up.body);
    assert.deepEqual(info.shape.slice(0, 2).sort(), [12, 16]);
    const waitEnd = async (id: string): Promise<{ state: string; result: unknown }> => {
      await call(s, 'GET', `/api/runs/${id}/events`); // the SSE stream ends with the run
      return JSON.parse((await call(s, 'GET', `/api/runs/${id}`)).body);
    };
    const json = { 'content-type': 'application/json' };
    const info1 = JSON.parse((await call(s, 'POST', '/api/runs', json, JSON.stringify({ command: 'info', positionals: [path] }))).body);
    const done = await waitEnd(info1.id);
    assert.equal(done.state, 'done');
    assert.equal((done.result as { kind: string }).kind, 'image');
    const long = JSON.parse((await call(s, 'POST', '/api/runs', json, JSON.stringify({ command: 'segment', positionals: [path], options: { maxIterations: 100000, minLabels: 1, threads: 1 } }))).body);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(JSON.parse((await call(s, 'POST', `/api/runs/${long.id}/cancel`)).body).cancelled, true);
    assert.equal((await waitEnd(long.id)).state, 'cancelled');
  } finally {
    await s.close();
  }
});
