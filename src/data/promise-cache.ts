// A small least-recently-used cache of promised values (decoded images, read volumes); failures are not kept.

/** `get(key, make)`: the cached promise for key, or make() cached, evicting the least recently used beyond `max`. */
export class PromiseCache<T> {
  private readonly m = new Map<string, Promise<T>>();
  constructor(readonly max: number) {}

  get(key: string, make: () => Promise<T>): Promise<T> {
    let p = this.m.get(key);
    if (p) this.m.delete(key); // re-inserted below as the most recent
    else {
      p = make();
      p.catch(() => this.m.delete(key));
    }
    this.m.set(key, p);
    while (this.m.size > this.max) this.m.delete(this.m.keys().next().value!);
    return p;
  }

  get size(): number {
    return this.m.size;
  }
}
