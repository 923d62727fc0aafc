// Number formatting for report tables: sensible precision, no float noise.

/** Format a value for a table cell: integers in full, other numbers to `digits` significant digits. */
export function formatNumber(v: number, digits = 4): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '∞';
  if (v === -Infinity) return '−∞';
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(Math.max(0, digits - 1)).replace(/\.?0+e/, 'e');
  // toPrecision then Number() drops trailing zeros: 0.50000 → 0.5, 12.3456 → 12.35.
  return String(Number(v.toPrecision(digits)));
}

/** Format any JSON scalar for display (null → '—'). */
export function formatScalar(v: unknown, digits = 4): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') return formatNumber(v, digits);
  return String(v);
}
