// Headless Chromium (Debian's /usr/bin/chromium via playwright-core) against kensa serve: draw a
// scribble and segment, cancel a run, open a report; and issue 19's report checks (summary first,
// every image decoded, no horizontal scroll at 1280 and 800 px). Skipped when chromium is absent.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { startServer, type KensaServer } from './app.js';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is absent (scripts/setup.sh installs Debian's chromium)`;
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
let browser: any;
let server: KensaServer;
let image: string;
let noisy: string;

before(async () => {
  if (skip) return;
  const { chromium } = await import('playwright-core');
  const base = mkdtempSync(join(tmpdir(), 'kensa-browser-'));
  image = join(base, 'two-halves.png');
  // left half dark, right half bright: two regions a scribble per half can name
  const w = 32, h = 24, px = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) px.fill(x < w / 2 ? 30 : 220, (y * w + x) * 3, (y * w + x) * 3 + 3);
  await sharp(px, { raw: { width: w, height: h, channels: 3 } }).png().toFile(image);
  // seeded noise over two halves: texture the clustering takes many iterations to merge
  noisy = join(base, 'noisy-halves.png');
  const nw = 96, nh = 72, npx = Buffer.alloc(nw * nh * 3);
  let seed = 12345;
  for (let i = 0; i < npx.length; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const x = Math.floor(i / 3) % nw;
    npx[i] = Math.max(0, Math.min(255, (x < nw / 2 ? 70 : 180) + ((seed >> 16) % 120) - 60));
  }
  await sharp(npx, { raw: { width: nw, height: nh, channels: 3 } }).png().toFile(noisy);
  server = await startServer({ runsDir: join(base, 'runs'), port: 0 });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
});
after(async () => {
  await browser?.close();
  await server?.close();
});

let reportUrl = '';

/** Opens the scribble page, loads `file`, draws one stroke of class 0 on the left and one of class 1 on the right, and starts segment with `iterations`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function scribbleAndSegment(file: string, iterations: number): Promise<any> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(server.url);
  await page.click('#nav-scribble');
  await page.setInputFiles('#image-file', file);
  const draw = page.locator('#draw');
  await draw.waitFor();
  const box = await draw.boundingBox();
  for (const [cls, x0] of [[0, 0.1], [1, 0.6]] as const) {
    await page.click(`#class-${cls}`);
    await page.mouse.move(box.x + box.width * x0, box.y + box.height * 0.3);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * (x0 + 0.25), box.y + box.height * 0.7, { steps: 8 });
    await page.mouse.up();
  }
  await page.fill('#iterations', String(iterations));
  await page.click('#segment');
  return page;
}


test('draw a scribble, run segment, see the label overlay', { skip, timeout: 60_000 }, async () => {
  const page = await scribbleAndSegment(image, 5);
  await page.waitForSelector('#state[data-state]', { timeout: 50_000 });
  assert.equal(await page.getAttribute('#state', 'data-state'), 'done', await page.textContent('#log'));
  await page.waitForSelector('#overlay', { timeout: 10_000 });
  const natural = async (): Promise<number> => page.$eval('#overlay', (e: { naturalWidth: number; decode(): Promise<void> }) => e.decode().then(() => e.naturalWidth));
  assert.equal(await natural(), 32, 'the label overlay decodes at the image size');
  reportUrl = (await page.getAttribute('#report-link', 'href')) as string;
  await page.close();
});

test('scribble segmentation updates live: frames of the running iterations appear before the final overlay', { skip, timeout: 90_000 }, async () => {
  const page = await scribbleAndSegment(noisy, 400);
  // two different live frames drawn: the view changed while the run iterated
  // (polled from here: the page's CSP forbids the string evaluation waitForFunction needs)
  await page.waitForSelector('#live[data-iteration]', { timeout: 60_000 });
  const first = Number(await page.getAttribute('#live', 'data-iteration'));
  for (let t = 0; t < 600 && Number(await page.getAttribute('#live', 'data-frames')) < 2; t++) await new Promise((ok) => setTimeout(ok, 100));
  assert.ok(Number(await page.getAttribute('#live', 'data-frames')) >= 2, 'a second live frame replaced the first');
  await page.waitForSelector('#state[data-state]', { timeout: 80_000 });
  assert.equal(await page.getAttribute('#state', 'data-state'), 'done', await page.textContent('#log'));
  await page.waitForSelector('#overlay', { timeout: 10_000 });
  // the closing line "<image> <done>/<max> in <t>  <n> iterations, <k> labels, <s> s"; progress lines
  // before it print a rate ("3.00 iterations/s") that a looser pattern would read as 0 iterations
  const iterations = Number((await page.textContent('#log'))?.match(/(\d+) iterations, \d+ labels/)?.[1] ?? NaN);
  assert.ok(first > 0 && first <= iterations, `a live frame at iteration ${first} of ${iterations}`);
  const w = await page.$eval('#live', (c: { width: number }) => c.width);
  assert.equal(w, 96, 'live frames come at the image size');
  await page.close();
});

test('a running segment is cancelled from its form', { skip, timeout: 60_000 }, async () => {
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.click('#cmds button:text-is("segment")');
  await page.fill('input[name="pos:IMAGE|DIR"]', image);
  await page.fill('input[name="maxIterations"]', '1000000');
  await page.fill('input[name="minLabels"]', '1');
  await page.click('#cmd-form button[type=submit]');
  await page.waitForSelector('#log:has-text("iterations")', { timeout: 30_000 });
  await page.click('#cancel');
  await page.waitForSelector('#state[data-state]', { timeout: 20_000 });
  assert.equal(await page.getAttribute('#state', 'data-state'), 'cancelled');
  await page.close();
});

test('a generated report opens from the run browser: summary first, images decoded, no horizontal scroll', { skip, timeout: 60_000 }, async () => {
  assert.ok(reportUrl, 'the scribble test made a run');
  const runId = reportUrl.split('/')[2];
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(server.url);
  await page.click('#nav-browse');
  await page.click(`#entries a:text-is("${runId}/")`);
  const [report] = await Promise.all([page.context().waitForEvent('page'), page.click('#entries a:text-is("report.html")')]);
  await report.waitForLoadState('load');
  for (const width of [1280, 800]) {
    await report.setViewportSize({ width, height: 800 });
    // evaluated in the page (a string: this package compiles without the DOM library)
    const r = await report.evaluate(`({
      first: document.querySelector('section')?.id,
      images: [...document.images].map((i) => ({ src: i.getAttribute('src'), w: i.naturalWidth })),
      scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth,
    })`) as { first?: string; images: { src: string; w: number }[]; scroll: number; client: number };
    assert.equal(r.first, 'summary', 'the summary is the first section');
    assert.ok(r.images.length > 0, 'the report shows figures');
    for (const i of r.images) assert.ok(i.w > 0, `${i.src} did not decode`);
    assert.equal(r.scroll, r.client, `horizontal scroll at ${width} px`);
  }
  await page.close();
});
