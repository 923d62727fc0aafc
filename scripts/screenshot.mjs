#!/usr/bin/env node
// Screenshot of a report (or any local HTML page, or a URL) in headless Debian Chromium, for the
// README's figures:  node scripts/screenshot.mjs PAGE OUT.png [--width 1280] [--height 900] [--full]
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';

const args = process.argv.slice(2);
const flag = (name, dflt) => {
  const i = args.indexOf(name);
  if (i < 0) return dflt;
  const v = args[i + 1];
  args.splice(i, 2);
  return Number(v);
};
const width = flag('--width', 1280);
const height = flag('--height', 900);
const full = args.includes('--full');
const [page, out] = args.filter((a) => a !== '--full');
if (!page || !out) {
  console.error('usage: node scripts/screenshot.mjs PAGE OUT.png [--width 1280] [--height 900] [--full]');
  process.exit(2);
}
const url = /^https?:/.test(page) ? page : pathToFileURL(resolve(page)).href;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'], headless: true });
try {
  const p = await browser.newPage({ viewport: { width, height }, deviceScaleFactor: 1 });
  await p.goto(url, { waitUntil: 'load' });
  await p.screenshot({ path: out, fullPage: full });
  console.log(`${out}: ${width}×${full ? 'full page' : height} of ${url}`);
} finally {
  await browser.close();
}
