// Resolved options (config.json) as a two-column table of dotted keys, every string escaped.
import { escapeHtml } from './escape.js';
import { formatScalar } from './format.js';

/** Flatten nested objects to dotted keys; arrays of scalars stay values. */
export function flattenConfig(value: unknown, prefix = '', out: Array<[string, unknown]> = []): Array<[string, unknown]> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0 && prefix) out.push([prefix, {}]);
    for (const [k, v] of entries) flattenConfig(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.push([prefix || '(value)', value]);
  }
  return out;
}

/** The config as an HTML table. */
export function configHtml(config: unknown, digits = 4): string {
  const rows = flattenConfig(config).map(([k, v]) => {
    const shown = v === null || typeof v !== 'object' ? formatScalar(v, digits) : Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object') ? v.map((x) => formatScalar(x, digits)).join(', ') : JSON.stringify(v);
    return `<tr><th scope="row"><code>${escapeHtml(k)}</code></th><td${typeof v === 'number' ? ' class="num"' : ''}>${escapeHtml(shown)}</td></tr>`;
  });
  return `<table class="kv config"><tbody>${rows.join('')}</tbody></table>`;
}
