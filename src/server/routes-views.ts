// View routes: the metric tile inspector and embedding scatter, and the explanation flipper. The
// run is a folder inside the runs folder (confined); the computation is a worker job (jobs.ts).
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { statSync } from 'node:fs';
import { confinedPath } from './confine.js';
import { HttpError } from './security.js';
import type { JobRunner } from './jobs.js';
import { runConfig, runViews } from './views/view-files.js';

export const viewRoutes: FastifyPluginAsync<{ runsDir: string; jobs: JobRunner }> = async (app, { runsDir, jobs }) => {
  const runDir = (rel: string | undefined, view: 'tiles' | 'flipper'): string => {
    if (!rel) throw new HttpError(400, 'run is required');
    const dir = confinedPath(runsDir, rel);
    if (!dir || !statSync(dir).isDirectory()) throw new HttpError(404, 'no such run folder');
    if (!runViews(dir, runConfig(dir)).includes(view)) throw new HttpError(400, `${rel} is not a run with the ${view} view`);
    return dir;
  };
  app.get<{ Querystring: { run?: string } }>('/api/views/metric', async (req, reply) => jobs.run({ kind: 'metric-overview', run: runDir(req.query.run, 'tiles') }, whileConnected(reply)));
  app.get<{ Querystring: { run?: string; tile?: string } }>('/api/views/metric-cam', async (req, reply) => {
    const tile = Number(req.query.tile);
    if (!Number.isInteger(tile) || tile < 0) throw new HttpError(400, 'tile must be a non-negative integer');
    return jobs.run({ kind: 'metric-cam', run: runDir(req.query.run, 'tiles'), tile }, whileConnected(reply));
  });
  app.get<{ Querystring: { run?: string } }>('/api/views/explain', async (req, reply) => jobs.run({ kind: 'explain-flips', run: runDir(req.query.run, 'flipper') }, whileConnected(reply)));
};

/** Aborts when the client goes away before its answer is sent (a closed tab, a superseded tile request). */
function whileConnected(reply: FastifyReply): AbortSignal {
  const gone = new AbortController();
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) gone.abort();
  });
  return gone.signal;
}
