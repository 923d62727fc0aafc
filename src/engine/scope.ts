// Deterministic memory release: tensors created inside tidy() are disposed when it returns,
// except those it returns or keep() marks. Scopes nest; results move to the enclosing scope.

/** What a scope can track (Tensor implements it). */
export interface Trackable {
  dispose(): void;
  readonly isDisposed: boolean;
  /**
   * Called when the object leaves scope ownership without being disposed (kept, or returned from the
   * outermost tidy): from then on only the program, or a garbage-collection safety net, frees it.
   */
  escapeScope?(): void;
}

const TRACKABLE = Symbol.for('kensa.trackable');
const scopes: Set<Trackable>[] = [];
const kept = new WeakSet<Trackable>();

export function markTrackable(proto: object): void {
  Object.defineProperty(proto, TRACKABLE, { value: true });
}

function isTrackable(x: unknown): x is Trackable {
  return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[TRACKABLE] === true;
}

/** Called by every new tensor: the innermost open scope owns it. False when no scope is open. */
export function track(t: Trackable): boolean {
  const s = scopes[scopes.length - 1];
  if (s === undefined) return false;
  s.add(t);
  return true;
}

/** Exempts t from disposal by any enclosing tidy(); returns t. */
export function keep<T extends Trackable>(t: T): T {
  kept.add(t);
  for (const s of scopes) s.delete(t);
  t.escapeScope?.();
  return t;
}

function collect(x: unknown, out: Set<Trackable>, depth: number): void {
  if (depth > 6 || x === null || typeof x !== 'object') return;
  if (isTrackable(x)) {
    out.add(x);
    return;
  }
  if (Array.isArray(x)) {
    for (const v of x) collect(v, out, depth + 1);
    return;
  }
  if (x instanceof Map) {
    for (const v of x.values()) collect(v, out, depth + 1);
    return;
  }
  if (Object.getPrototypeOf(x) === Object.prototype) {
    for (const v of Object.values(x as Record<string, unknown>)) collect(v, out, depth + 1);
  }
}

/**
 * Runs fn and disposes every tensor created during it that is not part of its result
 * (tensors found in returned arrays, Maps and plain objects) and not keep()-ed.
 */
export function tidy<T>(fn: () => T): T {
  const scope = new Set<Trackable>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    scopes.pop();
    for (const t of scope) if (!kept.has(t)) t.dispose();
    throw e;
  }
  scopes.pop();
  if (result instanceof Promise) {
    for (const t of scope) if (!kept.has(t)) t.dispose();
    throw new Error('tidy(): the function returned a Promise; tidy only scopes synchronous work');
  }
  const survivors = new Set<Trackable>();
  collect(result, survivors, 0);
  const parent = scopes[scopes.length - 1];
  for (const t of scope) {
    if (survivors.has(t)) {
      if (parent !== undefined) parent.add(t);
      else t.escapeScope?.();
    } else if (!kept.has(t)) {
      t.dispose();
    }
  }
  return result;
}

/** Disposes every tensor found in x (arrays, Maps, plain objects). */
export function dispose(x: unknown): void {
  const found = new Set<Trackable>();
  collect(x, found, 0);
  for (const t of found) t.dispose();
}

/** Number of open tidy() scopes (for tests). */
export function scopeDepth(): number {
  return scopes.length;
}
