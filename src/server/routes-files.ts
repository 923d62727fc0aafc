// Run-folder routes: the list of runs with the views each offers, folder listings and files, all
// confined to the runs folder (confine.ts: no `..`, no symlink out).
import type { FastifyPluginAsync } from 'fastify';
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { confinedPath } from './confine.js';
import { HttpError } from './security.js';
import { runConfig, runViews } from './views/view-files.js';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.json': 'application/json', '.png': 'image/png', '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml', '.txt': 'text/plain; charset=utf-8', '.csv': 'text/csv; charset=utf-8', '.js': 'text/javascript',
};

export interface RunEntry {
  name: string;
  command?: string;
  date?: string;
  report: boolean;
  views: string[];
  /** A config.json that could not be read. */
  problem?: string;
}

export const fileRoutes: FastifyPluginAsync<{ runsDir: string }> = async (app, { runsDir }) => {
  app.get('/api/runs-list', async () => {
    const out: RunEntry[] = [];
    for (const e of readdirSync(runsDir, { withFileTypes: true })) {
      if (!e.isDirectory() || e.name === 'uploads') continue;
      const dir = join(runsDir, e.name);
      try {
        const cfg = runConfig(dir);
        out.push({ name: e.name, command: cfg?.name || cfg?.command, date: cfg?.date, report: existsSync(join(dir, 'report.html')), views: runViews(dir, cfg) });
      } catch (err) {
        out.push({ name: e.name, report: false, views: [], problem: (err as Error).message });
      }
    }
    return out.sort((a, b) => (b.date ?? '').localeCompare(a.date ?? '') || a.name.localeCompare(b.name));
  });
  app.get<{ Querystring: { path?: string } }>('/api/browse', async (req) => {
    const dir = confinedPath(runsDir, req.query.path ?? '');
    if (!dir || !statSync(dir).isDirectory()) throw new HttpError(404, 'no such folder');
    const entries = readdirSync(dir, { withFileTypes: true }).map((e) => ({ name: e.name, dir: e.isDirectory() }));
    return { path: relative(runsDir, dir), entries };
  });
  app.get('/files/*', async (req, reply) => {
    // the raw path, not the router's decoded one, so '..' and %2e%2e reach the confinement check
    const raw = (req.raw.url ?? '').split('?')[0];
    let rel: string;
    try {
      rel = decodeURIComponent(raw.slice(raw.indexOf('/files/') + '/files/'.length));
    } catch {
      throw new HttpError(400, 'bad path encoding');
    }
    const file = confinedPath(runsDir, rel);
    if (!file || !statSync(file).isFile()) throw new HttpError(404, 'no such file');
    return reply.type(MIME[extname(file).toLowerCase()] ?? 'application/octet-stream').send(createReadStream(file));
  });
};
