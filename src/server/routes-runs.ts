// Run routes: uploads (checked by the CLI's image readers; a bad file is removed and answered 400),
// runs of any registry command as CLI worker processes, their progress over SSE, and cancel.
import type { FastifyPluginAsync } from 'fastify';
import { rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileInfo } from '../io/file-info.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { runArgv } from './forms.js';
import { HttpError } from './security.js';
import type { RunEvent, RunManager } from './runs.js';

export const runRoutes: FastifyPluginAsync<{ runsDir: string; runs: RunManager; maxUpload: number }> = async (app, { runsDir, runs, maxUpload }) => {
  const uploadsDir = join(runsDir, 'uploads');
  // uploads: any content type, read as bytes up to maxUpload
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: maxUpload }, (_req, body, done) => done(null, body));
    scope.post<{ Querystring: { name?: string } }>('/api/uploads', { bodyLimit: maxUpload }, async (req) => {
      const name = (req.query.name ?? 'upload').replace(/[^A-Za-z0-9._-]/g, '_').slice(-80);
      const body = req.body as Buffer | undefined;
      if (!Buffer.isBuffer(body) || body.length === 0) throw new HttpError(400, 'empty upload');
      const file = join(uploadsDir, `${randomBytes(4).toString('hex')}-${name}`);
      await writeFileAtomic(file, body);
      try {
        const info = await fileInfo(file); // the CLI readers decide what is a valid image
        return { path: file, info };
      } catch (e) {
        rmSync(file, { force: true });
        throw new HttpError(400, `${name}: not a readable image: ${(e as Error).message.split('\n')[0]}`);
      }
    });
  });
  app.post('/api/runs', async (req, reply) => {
    const { command, argv, writesRun } = runArgv(req.body);
    const run = runs.start(command, argv, writesRun);
    return reply.code(201).send({ id: run.id });
  });
  app.get<{ Params: { id: string } }>('/api/runs/:id', async (req) => {
    const run = runs.runs.get(req.params.id);
    if (!run) throw new HttpError(404, 'no such run');
    return { id: run.id, command: run.command, state: run.state, result: run.result, events: run.events };
  });
  app.post<{ Params: { id: string } }>('/api/runs/:id/cancel', async (req) => {
    if (!runs.runs.has(req.params.id)) throw new HttpError(404, 'no such run');
    return { cancelled: runs.cancel(req.params.id) };
  });
  app.get<{ Params: { id: string } }>('/api/runs/:id/events', async (req, reply) => {
    const run = runs.runs.get(req.params.id);
    if (!run) throw new HttpError(404, 'no such run');
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-content-type-options': 'nosniff' });
    const write = (e: RunEvent): void => void res.write(`event: ${e.kind}\ndata: ${JSON.stringify(e.text)}\n\n`);
    for (const e of run.events) write(e);
    if (run.state !== 'running' && run.events.at(-1)?.kind === 'end') return void res.end();
    const l = (e: RunEvent): void => {
      write(e);
      if (e.kind === 'end') res.end();
    };
    run.listeners.add(l);
    req.raw.on('close', () => run.listeners.delete(l));
  });
};
