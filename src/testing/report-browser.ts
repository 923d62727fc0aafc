// Opens a generated report.html in headless Chromium (Debian's /usr/bin/chromium through
// playwright-core) and checks what issue 19 asks of every command's report: the summary is the
// first section, every figure and thumbnail decodes (natural width > 0), no horizontal scroll at
// 1280 and 800 px, and in print (a PDF of the page) nothing is wider than the paper and the folded
// details are open. One browser per test process, started on first use; call closeReportBrowser
// in the test file's `after`.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// playwright-core's types are not imported: the package compiles without the DOM library.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let browser: Promise<any> | undefined;

/** Why the browser check cannot run here, or undefined when it can. */
export function reportBrowserUnavailable(): string | undefined {
  return existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is absent (scripts/setup.sh installs Debian's chromium)`;
}

export interface ReportCheck {
  /** Number of <img> elements (figures and thumbnails) in the page. */
  images: number;
  /** Ids of the top-level sections in page order. */
  sections: string[];
  /** Size of the PDF of the page in bytes. */
  pdfBytes: number;
}

/**
 * Checks `reportPath` in the browser and returns what it saw; throws an assertion error naming the
 * report on the first failed check. Returns undefined (after logging why) when Chromium is absent.
 */
export async function checkReportInBrowser(reportPath: string, opts: { minImages?: number } = {}): Promise<ReportCheck | undefined> {
  const why = reportBrowserUnavailable();
  if (why) {
    console.log(`# browser check of ${reportPath} skipped: ${why}`);
    return undefined;
  }
  browser ??= import('playwright-core').then(({ chromium }) => chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true }));
  const page = await (await browser).newPage({ viewport: { width: 1280, height: 800 } });
  try {
    await page.goto(pathToFileURL(reportPath).href, { waitUntil: 'load' });
    // Thumbnails are loading="lazy": one below the first screen has not been fetched at 'load'
    // (naturalWidth 0 although its data is fine). Make every image eager and wait until each has
    // decoded or failed, so that the check below tells a broken image from one not yet loaded.
    await page.evaluate(`Promise.all([...document.images].map((i) => {
      i.loading = 'eager';
      return i.complete && i.naturalWidth > 0 ? null : i.decode().catch(() => null);
    }))`);
    let seen: { sections: string[]; images: { src: string; w: number }[] } = { sections: [], images: [] };
    for (const width of [1280, 800]) {
      await page.setViewportSize({ width, height: 800 });
      const r = await page.evaluate(`({
        sections: [...document.querySelectorAll('main > section, body > section')].map((s) => s.id),
        images: [...document.images].map((i) => ({ src: (i.getAttribute('src') || '').slice(0, 60), w: i.naturalWidth })),
        scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth,
      })`) as { sections: string[]; images: { src: string; w: number }[]; scroll: number; client: number };
      assert.equal(r.sections[0], 'summary', `${reportPath}: the summary is not the first section (sections: ${r.sections.join(', ')})`);
      for (const i of r.images) assert.ok(i.w > 0, `${reportPath}: an image did not decode (${i.src}…)`);
      assert.equal(r.scroll, r.client, `${reportPath}: horizontal scroll at ${width} px (${r.scroll} > ${r.client})`);
      seen = r;
    }
    assert.ok(seen.images.length >= (opts.minImages ?? 1), `${reportPath}: ${seen.images.length} images, expected at least ${opts.minImages ?? 1}`);
    // print: A4 portrait is 794 CSS px wide at 96 dpi; margins come from the print stylesheet
    await page.emulateMedia({ media: 'print' });
    await page.setViewportSize({ width: 794, height: 1123 });
    const p = await page.evaluate(`({
      scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth,
      folded: [...document.querySelectorAll('details')].map((d) => {
        const inner = [...d.children].find((c) => c.tagName !== 'SUMMARY');
        return inner ? (inner.checkVisibility() ? inner.getBoundingClientRect().height : 0) : 1;
      }),
    })`) as { scroll: number; client: number; folded: number[] };
    assert.equal(p.scroll, p.client, `${reportPath}: in print the page is wider than A4 (${p.scroll} > ${p.client})`);
    p.folded.forEach((h, i) => assert.ok(h > 0, `${reportPath}: folded block ${i + 1} stays closed in print`));
    const pdf: Buffer = await page.pdf({ format: 'A4', printBackground: false });
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-', `${reportPath}: page.pdf() gave no PDF`);
    return { images: seen.images.length, sections: seen.sections, pdfBytes: pdf.length };
  } finally {
    await page.close();
  }
}

/** Closes the shared browser, if one was started. */
export async function closeReportBrowser(): Promise<void> {
  const b = browser;
  browser = undefined;
  if (b) await (await b).close();
}
