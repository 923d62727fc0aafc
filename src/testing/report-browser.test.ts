// The browser check of reports must fail for the faults it is meant to catch: summary not first,
// an image that does not decode, a page wider than the window, folded details closed in print.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPORT_CSS } from '../report/report-style.js';
import { encodePng, pngDataUri } from '../report/png.js';
import { checkReportInBrowser, closeReportBrowser, reportBrowserUnavailable } from './report-browser.js';

const dir = mkdtempSync(join(tmpdir(), 'kensa-report-browser-'));
after(async () => {
  await closeReportBrowser();
  rmSync(dir, { recursive: true, force: true });
});
const skip = reportBrowserUnavailable() ?? false;

const png = pngDataUri(await encodePng(new Uint8Array(12).fill(128), 4, 3, 1));
function page(name: string, body: string, css = REPORT_CSS): string {
  const path = join(dir, `${name}.html`);
  writeFileSync(path, `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><style>${css}</style></head><body><main>${body}</main></body></html>`);
  return path;
}
const summary = `<section id="summary"><h2>Summary</h2><img src="${png}" alt=""></section>`;
const folded = `<section id="metrics"><h2>Metrics</h2><details><summary>all values</summary><table><tr><td>a</td><td>1</td></tr></table></details></section>`;

test('a well-formed report passes: summary first, image decoded, folded details open in print, a PDF', { skip }, async () => {
  const r = await checkReportInBrowser(page('good', summary + folded));
  assert.ok(r);
  assert.deepEqual(r.sections, ['summary', 'metrics']);
  assert.equal(r.images, 1);
  assert.ok(r.pdfBytes > 1000);
});

test('each fault is caught', { skip }, async () => {
  await assert.rejects(checkReportInBrowser(page('order', folded + summary)), /summary is not the first section/);
  await assert.rejects(checkReportInBrowser(page('broken', summary.replace(png, 'data:image/png;base64,AAAA'))), /did not decode/);
  await assert.rejects(checkReportInBrowser(page('wide', summary + '<div style="width:1500px">x</div>')), /horizontal scroll at 1280 px/);
  await assert.rejects(checkReportInBrowser(page('narrow', summary + '<div style="width:1000px">x</div>')), /horizontal scroll at 800 px/);
  // without the print rule that opens folded blocks, the folded metrics vanish from the PDF
  await assert.rejects(checkReportInBrowser(page('closed', summary + folded, REPORT_CSS.replace(/details::details-content\{[^}]*\}/, ''))), /stays closed in print/);
  await assert.rejects(checkReportInBrowser(page('few', summary), { minImages: 3 }), /1 images, expected at least 3/);
});
