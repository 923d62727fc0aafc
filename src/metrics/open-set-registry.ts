// Registry of unknown-detection metrics: CLI choices, report tables and contract tests iterate this list.
import { OptionError } from '../util/errors.js';
import { auprInMetric, auprOutMetric } from './aupr.js';
import { aurocMetric } from './auroc.js';
import { fpr95Metric } from './fpr-at-tpr.js';
import type { OpenSetMetric } from './open-set-metric.js';

/** Every registered open-set metric, in report order. */
export const openSetMetrics: readonly OpenSetMetric[] = [aurocMetric, auprInMetric, auprOutMetric, fpr95Metric];

/** Looks a metric up by its registry name. */
export function openSetMetric(name: string): OpenSetMetric {
  const m = openSetMetrics.find((x) => x.name === name);
  if (!m) throw new OptionError('metric', `unknown open-set metric '${name}' (known: ${openSetMetrics.map((x) => x.name).join(', ')})`);
  return m;
}

/** Computes every registered metric: { auroc, 'aupr-in', 'aupr-out', 'fpr-at-95-tpr' }. */
export function evaluateOpenSet(scores: ArrayLike<number>, isUnknown: ArrayLike<boolean | number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of openSetMetrics) out[m.name] = m.compute(scores, isUnknown);
  return out;
}
