// Request guards for kensa serve: token (required when not bound to loopback), Origin check
// against the server's own origin, and a request body size limit.
import type { IncomingMessage } from 'node:http';
import { timingSafeEqual } from 'node:crypto';

export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === '::1' || host === 'localhost';
}

/** The token from `Authorization: Bearer`, the `kensa_token` cookie or `?token=`. */
export function requestToken(req: IncomingMessage, url: URL): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7);
  const cookie = /(?:^|;\s*)kensa_token=([^;]+)/.exec(req.headers.cookie ?? '');
  if (cookie) return decodeURIComponent(cookie[1]);
  return url.searchParams.get('token') ?? undefined;
}

export function checkToken(expected: string | undefined, given: string | undefined): void {
  if (expected === undefined) return;
  if (given === undefined) throw new HttpError(401, 'token required');
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw new HttpError(403, 'wrong token');
}

/** State-changing requests must come from the server's own pages (or carry no Origin, e.g. curl). */
export function checkOrigin(req: IncomingMessage, allowed: Set<string>): void {
  const origin = req.headers.origin;
  if (origin === undefined) {
    const site = req.headers['sec-fetch-site'];
    if (site === 'cross-site') throw new HttpError(403, 'cross-site request');
    return;
  }
  if (!allowed.has(origin)) throw new HttpError(403, `origin ${origin} not allowed`);
}

/** The body as a Buffer, or HttpError 413 once it passes `limit` bytes. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    req.resume();
    throw new HttpError(413, `request body over ${limit} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.destroy();
      throw new HttpError(413, `request body over ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
