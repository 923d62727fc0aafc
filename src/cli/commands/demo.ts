// kensa demo: a short run of each of the five method families — metric learning with unknown
// detection, classifier + CycleGAN + CAM explanation, landmark transfer + AdaBoost, U-Net with its
// segmentation-ability map, unsupervised segmentation — on real images that Debian packages
// installed by scripts/setup.sh carry (or, with --data, on the real datasets), each through its
// own command and run folder, then one index page (index.html) linking the five reports.
import { isAbsolute, relative, resolve } from 'node:path';
import { defineCommand, type AnyCommand } from '../command.js';
import { parseArgs } from '../parse.js';
import { executeCommand } from '../execute.js';
import { DEMO_PARTS } from '../demo/parts.js';
import { demoSummary, type PartRecord } from '../demo/index-page.js';
import type { DemoBudget, PartContext } from '../demo/part.js';
import { requireSources } from '../../methods/demo/embedded-sources.js';
import { writeReport } from '../../report/report.js';
import { SUMMARY_FILE } from '../../report/summary.js';
import { OptionError } from '../../util/errors.js';

export interface DemoOptions {
  /** Root of the real datasets (../shared/data layout); '' = the embedded Debian-package data. @default '' */ data: string;
  /** Parts to run, comma-separated names or numbers 1–5; '' = all. @default '' */ only: string;
  /** 'default' (the README's few minutes) or 'tiny' (seconds per part, for tests). @default 'default' */ budget: string;
}

export const demoCommand = defineCommand<DemoOptions>({
  name: 'demo',
  summary: 'a short run of each of the five methods on real embedded data; one index report linking the five',
  writesRun: true,
  options: {
    data: { kind: 'string', description: "root of the real datasets (sem-ncm, ixi-t1-age, ixi-t1-regions, em-isbi2012, bsds500); '' = embedded data from Debian packages", default: '', placeholder: 'DIR' },
    only: { kind: 'string', description: `parts to run, comma-separated (${DEMO_PARTS.map((p, i) => `${i + 1} ${p.name}`).join(', ')}); '' = all`, default: '', placeholder: 'LIST' },
    budget: { kind: 'string', description: "'default' (minutes) or 'tiny' (seconds per part, for tests)", default: 'default', choices: ['default', 'tiny'] },
  },
  async run(o, _args, ctx) {
    const run = ctx.run();
    if (!run) throw new OptionError('--out', 'is required (the five run folders and index.html go there)');
    const parts = selectParts(o.only);
    const data = o.data ? resolve(o.data) : undefined;
    if (!data) requireSources(parts.flatMap((p) => p.needs));
    const common = ['--threads', String(o.threads), '--seed', String(o.seed), '--device', o.device, ...(o.quiet ? ['--quiet'] : [])];
    const invoke = async (cmd: AnyCommand, args: string[]) => {
      const argv = [...args, ...common];
      return executeCommand(cmd, argv, parseArgs(cmd, argv));
    };
    const started = Date.now();
    const records: PartRecord[] = [];
    for (const [k, part] of parts.entries()) {
      const index = DEMO_PARTS.indexOf(part) + 1;
      const dir = run.path(`${index}-${part.name}`);
      ctx.log(`demo [${k + 1}/${parts.length}] ${part.title} …`);
      const t0 = Date.now();
      const pctx: PartContext = { dir, data, budget: o.budget as DemoBudget, seed: o.seed, invoke, log: ctx.log };
      let outcome;
      try {
        outcome = await part.run(pctx);
      } catch (e) {
        if (e instanceof Error) e.message = `demo part '${part.name}': ${e.message}`;
        throw e;
      }
      const seconds = (Date.now() - t0) / 1000;
      const h = outcome.headline;
      ctx.log(`demo [${k + 1}/${parts.length}] ${part.name}: ${h.label} ${h.value.toFixed(3)} (${h.controlLabel}: ${h.control.toFixed(3)}), ${seconds.toFixed(0)} s; report ${outcome.report}`);
      records.push({ index, name: part.name, title: part.title, seconds, ...outcome });
    }
    const seconds = (Date.now() - started) / 1000;
    const rel = (p: string): string => (isAbsolute(p) ? relative(run.dir, p) : p);
    const json = {
      data: data ?? 'embedded (mricron-data, python3-skimage)',
      budget: o.budget,
      threads: o.threads,
      seconds,
      parts: records.map((r) => ({
        name: r.name,
        title: r.title,
        headline: r.headline,
        margin: r.headline.value - r.headline.control,
        facts: r.facts ?? [],
        seconds: r.seconds,
        report: rel(r.report),
        runs: r.runs.map(rel),
        source: r.source,
      })),
    };
    const summary = demoSummary(records, { runDir: run.dir, seconds, threads: o.threads, data: json.data });
    await run.writeMetrics(json);
    await run.writeJson(SUMMARY_FILE, summary);
    const index = await writeReport(run.dir, { title: 'kensa demo', outFile: 'index.html' });
    const lines = records.map((r) => `  ${r.index} ${r.name}: ${r.headline.label} ${r.headline.value.toFixed(3)} vs ${r.headline.control.toFixed(3)} (${r.headline.controlLabel})`);
    return { json: { ...json, index }, summary, text: [`demo: ${records.length} part(s) in ${seconds.toFixed(0)} s`, ...lines, index].join('\n') };
  },
});

/** The parts named by --only (names or 1-based numbers), in the demo's order. */
function selectParts(only: string): typeof DEMO_PARTS {
  const words = only.split(',').map((s) => s.trim()).filter(Boolean);
  if (words.length === 0) return DEMO_PARTS;
  const picked = new Set<number>();
  for (const w of words) {
    const i = /^\d+$/.test(w) ? Number(w) - 1 : DEMO_PARTS.findIndex((p) => p.name === w);
    if (!(i >= 0 && i < DEMO_PARTS.length)) throw new OptionError('--only', `unknown part '${w}' (one of ${DEMO_PARTS.map((p, n) => `${n + 1} ${p.name}`).join(', ')})`);
    picked.add(i);
  }
  return DEMO_PARTS.filter((_, i) => picked.has(i));
}
