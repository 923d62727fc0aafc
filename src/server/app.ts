// kensa serve: a fastify app over the run folders. Guards run first on every request (token when
// set, Origin / Sec-Fetch-Site on state-changing requests, per-route body limits); then the page
// and its bundled client (web/, built by esbuild), the command forms from the registry, runs as CLI
// worker processes with SSE progress and cancel, confined run-folder browsing, uploads checked by
// the CLI's readers, and the metric and explanation views computed in worker processes.
import Fastify, { type FastifyInstance, type FastifyError } from 'fastify';
import { createReadStream, existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfinementError } from './confine.js';
import { InputError } from '../util/errors.js';
import { checkOrigin, checkToken, HttpError, isLoopback, requestToken } from './security.js';
import { RunManager } from './runs.js';
import { JobRunner } from './jobs.js';
import { APP_HTML, CSP } from './page.js';
import { fileRoutes } from './routes-files.js';
import { runRoutes } from './routes-runs.js';
import { viewRoutes } from './routes-views.js';

import { commandForms } from './forms.js';

export { commandForms, runArgv } from './forms.js';

export interface ServeOptions {
  /** Folder holding run folders (browsed, and where new runs go). */
  runsDir: string;
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 8321 (0 = any free port) */
  port?: number;
  /** Required on every request when set; must be set when host is not loopback. @default none */
  token?: string;
  /** CLI entry spawned for runs. @default dist/src/cli/main.js beside this build */
  cliPath?: string;
  /** Largest JSON request body in bytes. @default 65536 */
  maxJsonBytes?: number;
  /** Largest upload in bytes. @default 33554432 (32 MiB) */
  maxUploadBytes?: number;
}

export interface KensaServer {
  app: FastifyInstance;
  url: string;
  runs: RunManager;
  jobs: JobRunner;
  close(): Promise<void>;
}

/** The bundled client beside this build: <build>/web/app.js and app.css (npm run build:ts makes them). */
const ASSETS: Record<string, string> = { 'app.js': 'text/javascript; charset=utf-8', 'app.css': 'text/css; charset=utf-8' };
const assetPath = (name: string): string => new URL(`../../web/${name}`, import.meta.url).pathname;

export async function startServer(opts: ServeOptions): Promise<KensaServer> {
  const host = opts.host ?? '127.0.0.1';
  if (!isLoopback(host) && !opts.token) throw new Error(`binding ${host} needs a token (--token)`);
  const runsDir = resolve(opts.runsDir);
  mkdirSync(resolve(runsDir, 'uploads'), { recursive: true });
  const cliPath = opts.cliPath ?? new URL('../cli/main.js', import.meta.url).pathname;
  const runs = new RunManager({ cliPath, runsDir });
  const jobs = new JobRunner();
  const maxJson = opts.maxJsonBytes ?? 65536;
  const maxUpload = opts.maxUploadBytes ?? 32 * 1024 * 1024;
  const allowed = new Set<string>();

  const app = Fastify({ logger: false, bodyLimit: maxJson, forceCloseConnections: true, requestTimeout: 60_000, return503OnClosing: true });
  app.addHook('onRequest', async (req) => {
    checkToken(opts.token, requestToken(req.raw, new URL(req.raw.url ?? '/', 'http://x')));
    if (req.method !== 'GET' && req.method !== 'HEAD') checkOrigin(req.raw, allowed);
  });
  app.addHook('onSend', async (_req, reply) => {
    reply.header('x-content-type-options', 'nosniff');
  });
  app.setErrorHandler((e: FastifyError | Error, _req, reply) => {
    const status = e instanceof HttpError ? e.status : e instanceof ConfinementError ? 403 : e instanceof InputError ? 422 : 'statusCode' in e && typeof e.statusCode === 'number' && e.statusCode >= 400 ? e.statusCode : 500;
    void reply.code(status).header('cache-control', 'no-store').send({ error: status === 500 ? 'internal error' : e.message });
  });
  app.setNotFoundHandler((_req, reply) => void reply.code(404).send({ error: 'not found' }));

  app.get('/', async (_req, reply) => {
    if (opts.token) reply.header('set-cookie', `kensa_token=${encodeURIComponent(opts.token)}; HttpOnly; SameSite=Strict; Path=/`);
    return reply.type('text/html; charset=utf-8').header('content-security-policy', CSP).header('cache-control', 'no-store').send(APP_HTML);
  });
  app.get<{ Params: { name: string } }>('/assets/:name', async (req, reply) => {
    const type = ASSETS[req.params.name];
    if (!type) throw new HttpError(404, 'no such asset');
    const file = assetPath(req.params.name);
    if (!existsSync(file)) throw new HttpError(500, `the front end is not built (${file} is missing): run npm run build:ts`);
    return reply.type(type).header('cache-control', 'no-cache').send(createReadStream(file));
  });
  app.get('/api/commands', async () => commandForms());
  app.get('/favicon.ico', async (_req, reply) => reply.code(204).send());
  await app.register(fileRoutes, { runsDir });
  await app.register(runRoutes, { runsDir, runs, maxUpload });
  await app.register(viewRoutes, { runsDir, jobs });

  await app.listen({ port: opts.port ?? 8321, host });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const shown = host.includes(':') ? `[${host}]` : host;
  const url = `http://${shown}:${port}`;
  allowed.add(url);
  if (isLoopback(host)) for (const h of ['127.0.0.1', 'localhost', '[::1]']) allowed.add(`http://${h}:${port}`);
  return {
    app, url, runs, jobs,
    close: async () => {
      runs.stopAll();
      jobs.stopAll();
      await app.close();
    },
  };
}
