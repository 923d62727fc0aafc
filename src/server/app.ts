// kensa serve: an HTTP server (node:http) with forms generated from the command registry, runs in
// CLI worker processes streamed over SSE with cancel, and confined browsing of run folders.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createReadStream, mkdirSync, readdirSync, statSync, writeFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { extname, join, relative, resolve } from 'node:path';
import { COMMANDS } from '../cli/registry.js';
import { fileInfo } from '../io/file-info.js';
import { confinedPath, ConfinementError } from './confine.js';
import { checkOrigin, checkToken, HttpError, isLoopback, readBody, requestToken } from './security.js';
import { RunManager } from './runs.js';
import { APP_HTML } from './page.js';

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

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.json': 'application/json', '.png': 'image/png', '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml', '.txt': 'text/plain; charset=utf-8', '.csv': 'text/csv; charset=utf-8', '.js': 'text/javascript',
};
/** Common options a browser run may set (out, json, quiet and debug are the server's). */
const COMMON_OPTIONS: Record<string, { kind: string }> = { seed: { kind: 'integer' }, threads: { kind: 'integer' }, device: { kind: 'string' } };
const kebab = (s: string): string => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The registry as form descriptions (name, summary, positionals, options with kinds/defaults). */
export function commandForms(): unknown[] {
  return COMMANDS.filter((c) => c.name !== 'serve').map((c) => ({
    name: c.name, summary: c.summary, positionals: c.positionals ?? [], writesRun: c.writesRun ?? false,
    options: Object.entries(c.options).map(([key, spec]) => ({ key, flag: `--${kebab(key)}`, ...spec })),
  }));
}

/** CLI argv for a run request, checked against the command's option specs. */
export function runArgv(body: unknown): { command: string; argv: string[]; writesRun: boolean } {
  const b = body as { command?: unknown; positionals?: unknown; options?: unknown };
  const cmd = COMMANDS.find((c) => c.name === b.command && c.name !== 'serve');
  if (!cmd) throw new HttpError(400, 'unknown command');
  const positionals = b.positionals ?? [];
  if (!Array.isArray(positionals) || positionals.some((p) => typeof p !== 'string' || p.startsWith('-'))) throw new HttpError(400, 'positionals must be strings not starting with -');
  const argv = [...(positionals as string[])];
  const options = (b.options ?? {}) as Record<string, unknown>;
  if (typeof options !== 'object' || Array.isArray(options)) throw new HttpError(400, 'options must be an object');
  for (const [key, value] of Object.entries(options)) {
    const spec = (cmd.options as Record<string, { kind: string }>)[key] ?? COMMON_OPTIONS[key];
    if (!spec || key === 'out') throw new HttpError(400, `unknown option ${key}`);
    if (value === undefined || value === null || value === '') continue;
    if (spec.kind === 'boolean') {
      if (value === true) argv.push(`--${kebab(key)}`);
      else if (value !== false) throw new HttpError(400, `${key} must be boolean`);
    } else {
      if (typeof value !== 'string' && typeof value !== 'number') throw new HttpError(400, `${key} must be a string or number`);
      argv.push(`--${kebab(key)}`, String(value));
    }
  }
  return { command: cmd.name, argv, writesRun: cmd.writesRun ?? false };
}

function send(res: ServerResponse, status: number, body: unknown, type = 'application/json'): void {
  const text = type === 'application/json' ? JSON.stringify(body) : String(body);
  res.writeHead(status, { 'content-type': type, 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' });
  res.end(text);
}

export interface KensaServer {
  server: Server;
  url: string;
  runs: RunManager;
  close(): Promise<void>;
}

export async function startServer(opts: ServeOptions): Promise<KensaServer> {
  const host = opts.host ?? '127.0.0.1';
  if (!isLoopback(host) && !opts.token) throw new Error(`binding ${host} needs a token (--token)`);
  const runsDir = resolve(opts.runsDir);
  const uploadsDir = join(runsDir, 'uploads');
  mkdirSync(uploadsDir, { recursive: true });
  const cliPath = opts.cliPath ?? new URL('../cli/main.js', import.meta.url).pathname;
  const runs = new RunManager({ cliPath, runsDir });
  const maxJson = opts.maxJsonBytes ?? 65536;
  const maxUpload = opts.maxUploadBytes ?? 32 * 1024 * 1024;
  const allowed = new Set<string>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://x');
    checkToken(opts.token, requestToken(req, url));
    if (req.method !== 'GET' && req.method !== 'HEAD') checkOrigin(req, allowed);
    const p = url.pathname;
    if (req.method === 'GET' && p === '/') {
      const headers: Record<string, string> = { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'" };
      if (opts.token) headers['set-cookie'] = `kensa_token=${encodeURIComponent(opts.token)}; HttpOnly; SameSite=Strict; Path=/`;
      res.writeHead(200, headers);
      res.end(APP_HTML);
      return;
    }
    if (req.method === 'GET' && p === '/api/commands') return send(res, 200, commandForms());
    if (req.method === 'GET' && p === '/api/browse') {
      const dir = confinedPath(runsDir, url.searchParams.get('path') ?? '');
      if (!dir || !statSync(dir).isDirectory()) throw new HttpError(404, 'no such folder');
      const entries = readdirSync(dir, { withFileTypes: true }).map((e) => ({ name: e.name, dir: e.isDirectory() }));
      return send(res, 200, { path: relative(runsDir, dir), entries });
    }
    const raw = (req.url ?? '').split('?')[0]; // not URL-normalised, so '..' reaches the confinement check
    if (req.method === 'GET' && raw.startsWith('/files/')) {
      let rel: string;
      try {
        rel = decodeURIComponent(raw.slice(raw.indexOf('/files/') + '/files/'.length));
      } catch {
        throw new HttpError(400, 'bad path encoding');
      }
      const file = confinedPath(runsDir, rel);
      if (!file || !statSync(file).isFile()) throw new HttpError(404, 'no such file');
      res.writeHead(200, { 'content-type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream', 'x-content-type-options': 'nosniff' });
      createReadStream(file).pipe(res);
      return;
    }
    if (req.method === 'POST' && p === '/api/uploads') {
      const name = (url.searchParams.get('name') ?? 'upload').replace(/[^A-Za-z0-9._-]/g, '_').slice(-80);
      const body = await readBody(req, maxUpload);
      const file = join(uploadsDir, `${randomBytes(4).toString('hex')}-${name}`);
      writeFileSync(file, body);
      try {
        const info = await fileInfo(file); // the CLI readers decide what is a valid image
        return send(res, 200, { path: file, info });
      } catch (e) {
        rmSync(file, { force: true });
        throw new HttpError(400, `not a readable image: ${(e as Error).message.split('\n')[0]}`);
      }
    }
    if (req.method === 'POST' && p === '/api/runs') {
      let body: unknown;
      try {
        body = JSON.parse((await readBody(req, maxJson)).toString('utf8'));
      } catch (e) {
        if (e instanceof HttpError) throw e;
        throw new HttpError(400, 'body is not JSON');
      }
      const { command, argv, writesRun } = runArgv(body);
      const run = runs.start(command, argv, writesRun);
      return send(res, 201, { id: run.id });
    }
    const m = /^\/api\/runs\/([A-Za-z0-9-]+)(\/events|\/cancel)?$/.exec(p);
    const run = m ? runs.runs.get(m[1]) : undefined;
    if (m && !run) throw new HttpError(404, 'no such run');
    if (run && req.method === 'GET' && !m![2]) return send(res, 200, { id: run.id, command: run.command, state: run.state, result: run.result, events: run.events });
    if (run && req.method === 'POST' && m![2] === '/cancel') return send(res, 200, { cancelled: runs.cancel(run.id) });
    if (run && req.method === 'GET' && m![2] === '/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      const write = (e: { kind: string; text: string }): void => {
        res.write(`event: ${e.kind}\ndata: ${JSON.stringify(e.text)}\n\n`);
      };
      for (const e of run.events) write(e);
      if (run.state !== 'running' && run.events.at(-1)?.kind === 'end') return void res.end();
      const l = (e: { kind: string; text: string }): void => {
        write(e);
        if (e.kind === 'end') res.end();
      };
      run.listeners.add(l);
      req.on('close', () => run.listeners.delete(l));
      return;
    }
    throw new HttpError(404, 'not found');
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      const status = e instanceof HttpError ? e.status : e instanceof ConfinementError ? 403 : 500;
      if (!res.headersSent) send(res, status, { error: status === 500 ? 'internal error' : (e as Error).message });
      else res.end();
    });
  });
  server.requestTimeout = 60_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 8321, host, ok);
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const shown = host.includes(':') ? `[${host}]` : host;
  const url = `http://${shown}:${port}`;
  allowed.add(url);
  if (isLoopback(host)) for (const h of ['127.0.0.1', 'localhost', '[::1]']) allowed.add(`http://${h}:${port}`);
  return {
    server, url, runs,
    close: () => new Promise((ok) => {
      runs.stopAll();
      server.closeAllConnections();
      server.close(() => ok());
    }),
  };
}
