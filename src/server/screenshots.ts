// Screenshots of kensa serve's main views for the README (not a test): runs list, scribble
// segmentation, metric tile inspector, embedding scatter, explanation flipper, as PNGs.
//   node dist/src/server/screenshots.js OUT_DIR RUNS_DIR METRIC_RUN EXPLAIN_RUN SCRIBBLE_IMAGE
// RUNS_DIR holds the two named runs (e.g. made by view-fixtures.ts, or real ones); Debian chromium.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from './app.js';

const [out, runsDir, metricRun, explainRun, scribble] = process.argv.slice(2);
if (!scribble) {
  process.stderr.write('usage: screenshots.js OUT_DIR RUNS_DIR METRIC_RUN EXPLAIN_RUN SCRIBBLE_IMAGE\n');
  process.exit(2);
}
mkdirSync(out, { recursive: true });
const { chromium } = await import('playwright-core');
const server = await startServer({ runsDir, port: 0 });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'], headless: true });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  await page.goto(server.url);
  await page.waitForSelector('#runs-table');
  await page.screenshot({ path: join(out, 'web-runs.png') });

  // the slow one (a segment run): kept when OUT_DIR already has it
  if (!existsSync(join(out, 'web-scribble.png'))) await scribbleShot(page);

  await metricShots(page);
  await explainShot(page);
} finally {
  await browser.close();
  await server.close();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function scribbleShot(page: any): Promise<void> {
  await page.goto(server.url);
  await page.click('#nav-scribble');
  await page.setInputFiles('#image-file', scribble);
  const draw = page.locator('#draw');
  await draw.waitFor();
  const b = (await draw.boundingBox()) as { x: number; y: number; width: number; height: number };
  // class 0 on the sky, 1 on the middle, 2 at the bottom (a horizontal stroke each)
  for (const [cls, y] of [[0, 0.12], [1, 0.55], [2, 0.9]] as const) {
    await page.click(`#class-${cls}`);
    await page.mouse.move(b.x + b.width * 0.15, b.y + b.height * y);
    await page.mouse.down();
    await page.mouse.move(b.x + b.width * 0.85, b.y + b.height * y, { steps: 20 });
    await page.mouse.up();
  }
  await page.fill('#iterations', '30');
  await page.click('#segment');
  await page.waitForSelector('#state[data-state]', { timeout: 600_000 });
  if ((await page.getAttribute('#state', 'data-state')) !== 'done') throw new Error(`segment: ${await page.textContent('#log')}`);
  await page.waitForSelector('#overlay', { timeout: 10_000 });
  await page.$eval('#overlay', (e: unknown) => (e as unknown as { decode(): Promise<void> }).decode());
  await page.screenshot({ path: join(out, 'web-scribble.png') });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function metricShots(page: any): Promise<void> {
  await page.goto(`${server.url}/#/metric/${encodeURIComponent(metricRun)}`);
  await page.waitForSelector('#tile-canvas[data-image]', { timeout: 300_000 });
  const canvas = page.locator('#tile-canvas');
  await canvas.scrollIntoViewIfNeeded();
  const c = (await canvas.boundingBox()) as { x: number; y: number; width: number; height: number };
  await page.mouse.click(c.x + c.width * 0.55, c.y + c.height * 0.45);
  await page.waitForSelector('#tile-cam[data-ready="true"]', { timeout: 120_000 });
  await page.screenshot({ path: join(out, 'web-metric-inspector.png') });
  await page.locator('#scatter').scrollIntoViewIfNeeded();
  const s = (await page.locator('#scatter').boundingBox()) as { x: number; y: number };
  const p = (await page.evaluate(`document.querySelector('#scatter').kensaScatter.toScreen(3)`)) as { x: number; y: number };
  await page.mouse.move(s.x + p.x, s.y + p.y);
  await page.waitForSelector('#scatter-tip:not([hidden])');
  await page.screenshot({ path: join(out, 'web-embedding-scatter.png') });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function explainShot(page: any): Promise<void> {
  await page.goto(`${server.url}/#/explain/${encodeURIComponent(explainRun)}`);
  await page.waitForSelector('#flip-image[data-layer="image"]', { timeout: 300_000 });
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.$eval('#flip-image', (e: unknown) => (e as unknown as { decode(): Promise<void> }).decode());
  await page.screenshot({ path: join(out, 'web-explain-flipper.png') });
}
