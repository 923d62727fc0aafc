// Progress lines: no rate before anything could be timed, a rate and ETA once time has passed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProgress, formatDuration } from './progress.js';

function sink(): { stream: NodeJS.WriteStream; text: () => string } {
  const parts: string[] = [];
  const stream = { isTTY: false, write: (s: string) => (parts.push(s), true) } as unknown as NodeJS.WriteStream;
  return { stream, text: () => parts.join('') };
}

test('the first line, drawn at once, shows no rate; a later one shows rate and ETA', async () => {
  const s = sink();
  const p = createProgress({ label: 'work', total: 4, unit: 'images' }, s.stream);
  p.tick(1);
  assert.equal(s.text(), 'work 1/4 25%\n');
  await new Promise((r) => setTimeout(r, 5200));
  p.tick(1, 'loss 0.5');
  const second = s.text().split('\n')[1];
  assert.match(second, /^work 2\/4 50% 0\.\d\d images\/s ETA \d+s {2}loss 0\.5$/);
  p.done();
  assert.match(s.text().split('\n')[2], /^work 2\/4 in 5s$/);
});

test('formatDuration', () => {
  assert.equal(formatDuration(59.4), '59s');
  assert.equal(formatDuration(61), '1m01s');
  assert.equal(formatDuration(3 * 3600 + 120), '3h02m');
  assert.equal(formatDuration(Infinity), '?');
});
