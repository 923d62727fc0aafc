// Progress for long work: a bar with rate and ETA that redraws in place on a terminal, plain
// lines at most every few seconds otherwise (logs, CI), always on stderr.

export interface ProgressOptions {
  /** What is being counted, e.g. "epoch 3/10". */
  label: string;
  total: number;
  /** Unit shown in the rate, e.g. "steps". @default 'it' */
  unit?: string;
}

export interface Progress {
  /** Advance by n and show extra info (e.g. the current loss). */
  tick(n?: number, info?: string): void;
  done(info?: string): void;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function createProgress(o: ProgressOptions, stream: NodeJS.WriteStream = process.stderr, quiet = false): Progress {
  const start = Date.now();
  let done = 0;
  let lastDraw = 0;
  const tty = stream.isTTY === true;
  const unit = o.unit ?? 'it';
  const line = (info?: string): string => {
    const elapsed = (Date.now() - start) / 1000;
    const rate = done / Math.max(elapsed, 1e-9);
    const eta = (o.total - done) / rate;
    const frac = o.total > 0 ? done / o.total : 1;
    const width = 24;
    const bar = tty ? `[${'#'.repeat(Math.round(frac * width)).padEnd(width, '.')}] ` : '';
    // Under 50 ms nothing has been timed: no rate or ETA rather than a meaningless one.
    const speed = elapsed < 0.05 || done === 0 ? '' : ` ${rate.toFixed(rate < 10 ? 2 : 0)} ${unit}/s ETA ${formatDuration(eta)}`;
    return `${o.label} ${bar}${done}/${o.total} ${(frac * 100).toFixed(0)}%${speed}${info ? `  ${info}` : ''}`;
  };
  return {
    tick(n = 1, info) {
      done += n;
      if (quiet) return;
      const now = Date.now();
      if (tty && now - lastDraw > 100) {
        stream.write(`\r\x1b[K${line(info)}`);
        lastDraw = now;
      } else if (!tty && now - lastDraw > 5000) {
        stream.write(`${line(info)}\n`);
        lastDraw = now;
      }
    },
    done(info) {
      if (quiet) return;
      const elapsed = (Date.now() - start) / 1000;
      const msg = `${o.label} ${done}/${o.total} in ${formatDuration(elapsed)}${info ? `  ${info}` : ''}`;
      stream.write(tty ? `\r\x1b[K${msg}\n` : `${msg}\n`);
    },
  };
}
