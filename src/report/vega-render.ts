// The one adapter to Vega-Lite/Vega: compile a Vega-Lite spec and render it headless to SVG.
// Vega's typings are awkward, so every `any` of the report layer stays in this file.
import { createHash } from 'node:crypto';
import * as vega from 'vega';
import * as vl from 'vega-lite';

/** A Vega-Lite specification as plain JSON (checked by the compiler at run time). */
export type VegaLiteSpec = Record<string, unknown>;

/** Compile a Vega-Lite spec and render it to an SVG string without canvas or browser. */
export async function renderVegaLite(spec: VegaLiteSpec): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const compiled = vl.compile(spec as any, { logger: silentLogger() as any }).spec;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const view = new vega.View(vega.parse(compiled as any), { renderer: 'none', logLevel: vega.Error });
  try {
    return stableIds(await view.toSVG());
  } finally {
    view.finalize();
  }
}

/**
 * Vega numbers clip paths with a process-wide counter, so the same chart rendered twice differs.
 * Renumber them in order of appearance under a prefix derived from the content: output becomes
 * deterministic, and ids stay unique when several SVGs are inlined into one HTML page.
 */
export function stableIds(svg: string): string {
  const prefix = 'k' + createHash('sha256').update(svg.replace(/(id="|url\(#)clip\d+/g, '$1clip')).digest('hex').slice(0, 8);
  const ids = new Map<string, string>();
  return svg.replace(/(id="|url\(#)clip(\d+)/g, (_, lead: string, n: string) => {
    if (!ids.has(n)) ids.set(n, `${prefix}-clip${ids.size + 1}`);
    return lead + (ids.get(n) as string);
  });
}

/** Vega-Lite warns on console for harmless things (e.g. dropped channels); keep test output clean. */
function silentLogger(): unknown {
  const logger = {
    level: () => logger,
    info: () => logger,
    debug: () => logger,
    warn: () => logger,
    error: (...args: unknown[]) => {
      throw new Error(`vega-lite: ${args.map(String).join(' ')}`);
    },
  };
  return logger;
}
