// The demo's index: its report summary (summary.json → the opening of index.html) — one row per
// part with its headline number, negative control and margin, the data each part used, and one
// thumbnail per part linking to that part's report.html.
import { isAbsolute, relative } from 'node:path';
import type { ReportSummary } from '../../report/summary.js';
import type { PartOutcome } from './part.js';

/** A finished part as the index shows it. */
export interface PartRecord extends PartOutcome {
  /** 1-based number in the demo's order. */
  index: number;
  name: string;
  title: string;
  seconds: number;
}

export interface DemoSummaryOptions {
  runDir: string;
  seconds: number;
  threads: number;
  data: string;
}

export function demoSummary(records: readonly PartRecord[], o: DemoSummaryOptions): ReportSummary {
  const rel = (p: string): string => (isAbsolute(p) ? relative(o.runDir, p) : p);
  const beaten = records.filter((r) => r.headline.value > r.headline.control).length;
  const minutes = (o.seconds / 60).toFixed(1);
  return {
    verdict: `${records.length} part${records.length === 1 ? '' : 's'} ran in ${minutes} min on ${o.threads} thread${o.threads === 1 ? '' : 's'}; ${beaten} of ${records.length} headline numbers beat their negative control. Each thumbnail opens that part's report.`,
    facts: [
      { label: 'Data', value: o.data },
      { label: 'Total time', value: `${minutes} min`, note: `${o.threads} libtorch thread(s)` },
    ],
    tables: [
      {
        caption: 'Headline number of each part against its negative control (bold: the larger)',
        columns: ['part', 'headline', 'value', 'negative control', 'control value', 'margin', 'time (s)', 'report'],
        rows: records.map((r) => ({
          label: `${r.index} ${r.title}`,
          cells: [r.headline.label, r.headline.value, r.headline.controlLabel, r.headline.control, r.headline.value - r.headline.control, Math.round(r.seconds), rel(r.report)],
        })),
        best: records.map((r, i): [number, number] => [i, r.headline.value >= r.headline.control ? 1 : 3]),
      },
      {
        caption: 'More numbers per part',
        columns: ['part', 'what', 'value'],
        rows: records.flatMap((r) => (r.facts ?? []).map((f) => ({ label: `${r.index} ${r.name}`, cells: [f.note ? `${f.label} (${f.note})` : f.label, f.value] }))),
      },
      {
        caption: 'Data of each part',
        columns: ['part', 'source', 'run folders'],
        rows: records.map((r) => ({ label: `${r.index} ${r.name}`, cells: [r.source, r.runs.map(rel).join(', ')] })),
      },
    ],
    galleries: [
      {
        caption: "One result figure per part; each opens the part's report",
        side: 320,
        columns: Math.min(3, Math.max(1, records.length)),
        items: records.filter((r) => r.thumbnail !== undefined).map((r) => ({ title: `${r.index} ${r.title}`, images: [{ file: rel(r.thumbnail!), href: rel(r.report) }] })),
      },
    ],
  };
}
