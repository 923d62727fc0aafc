// A process group over libtorch's c10d (TCPStore rendezvous, Gloo collectives): all-reduce,
// broadcast, all-gather and barrier on kensa tensors. Every collective is a Promise that the
// addon resolves from a worker thread, so the event loop keeps running; a timeout or a dead peer
// rejects it with a one-line Error on every other rank.
import { Tensor } from '../engine/tensor.js';
import { distNative, type NativeGroup, type ReduceOp } from './native-dist.js';
import { DEFAULT_TIMEOUT_MS, distConfigFromEnv, type DistConfig } from './config.js';

export type { ReduceOp } from './native-dist.js';

/** Options of `ProcessGroup.init` (a DistConfig whose localRank and timeout may be left out). */
export type ProcessGroupOptions = Omit<DistConfig, 'localRank' | 'timeoutMs'> & Partial<Pick<DistConfig, 'localRank' | 'timeoutMs'>>;

export class ProcessGroup {
  private handle: NativeGroup | undefined;
  private sides = new Map<string, Promise<ProcessGroup>>();

  private constructor(
    handle: NativeGroup,
    readonly rank: number,
    readonly worldSize: number,
    readonly localRank: number,
  ) {
    this.handle = handle;
  }

  /**
   * Joins a group (blocks until all worldSize ranks have arrived or the timeout passes). The
   * rendezvous is torch.distributed's for the 'gloo' backend, so PyTorch ranks can be members.
   */
  static async init(o: ProcessGroupOptions): Promise<ProcessGroup> {
    const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const h = await distNative().distInit({ host: o.host, port: o.port, rank: o.rank, worldSize: o.worldSize, timeoutMs, iface: process.env.GLOO_SOCKET_IFNAME || undefined });
    return new ProcessGroup(h, o.rank, o.worldSize, o.localRank ?? o.rank);
  }

  /** The group torchrun's environment describes, or undefined outside one. */
  static async fromEnv(env: NodeJS.ProcessEnv = process.env): Promise<ProcessGroup | undefined> {
    const c = distConfigFromEnv(env);
    return c ? ProcessGroup.init(c) : undefined;
  }

  private get g(): NativeGroup {
    if (this.handle === undefined) throw new Error('process group: already destroyed');
    return this.handle;
  }

  /**
   * Reduces the tensors over all ranks, in place. Several tensors travel as one flat buffer (one
   * collective, not one per tensor); 'avg' is a sum divided by the world size.
   */
  allReduce(tensors: Tensor | Tensor[], op: ReduceOp = 'sum'): Promise<void> {
    return distNative().distAllReduce(this.g, handles(tensors), op);
  }

  /** allReduce that waits on this thread (for a synchronous optimizer step). */
  allReduceSync(tensors: Tensor | Tensor[], op: ReduceOp = 'sum'): void {
    distNative().distAllReduceSync(this.g, handles(tensors), op);
  }

  /**
   * The sum over ranks of `t` as a new tensor, differentiable: its gradient is the sum over ranks
   * of the incoming gradients (an autograd node in the addon; both directions wait on the calling
   * thread, so every rank must call it in the same order, as the same model's forward does).
   */
  allReduceDifferentiable(t: Tensor): Tensor {
    const n = distNative();
    if (typeof n.distAllReduceDiff !== 'function') throw new Error('allReduceDifferentiable: this kensa addon predates the differentiable all-reduce (rebuild it: npm run build:native)');
    return new Tensor(n.distAllReduceDiff(this.g, t.handle));
  }

  /** Rank `root`'s values into every rank's tensors, in place. */
  broadcast(tensors: Tensor | Tensor[], root = 0): Promise<void> {
    return distNative().distBroadcast(this.g, handles(tensors), root);
  }

  /** Every rank's `t`, in rank order (new tensors, owned by the caller). */
  async allGather(t: Tensor): Promise<Tensor[]> {
    const hs = await distNative().distAllGather(this.g, t.handle);
    return hs.map((h) => new Tensor(h));
  }

  barrier(): Promise<void> {
    return distNative().distBarrier(this.g);
  }

  /**
   * A second group of the same ranks (its own Gloo connections, met through this group's store
   * under `name`), made once per name and kept until destroy(): collectives on it are matched
   * apart from this group's, whatever the interleaving. Every rank must ask for it, in the same
   * order. The gradient reducer (grad-reducer.ts) sends on one, so its all-reduces started inside
   * backward cannot be confused with synchronised batch norm's, which run in the same backward.
   */
  side(name: string): Promise<ProcessGroup> {
    const n = distNative();
    if (typeof n.distSideGroup !== 'function') return Promise.reject(new Error('side group: this kensa addon predates side groups (rebuild it: npm run build:native)'));
    let p = this.sides.get(name);
    if (p === undefined) {
      p = n.distSideGroup(this.g, name).then((h) => new ProcessGroup(h, this.rank, this.worldSize, this.localRank));
      this.sides.set(name, p);
      p.catch(() => this.sides.delete(name));
    }
    return p;
  }

  /** @internal the addon handle, for the gradient reducer */
  get nativeHandle(): NativeGroup {
    return this.g;
  }

  /** Leaves the group and its side groups (collectives still in flight finish first). */
  destroy(): void {
    for (const p of this.sides.values()) void p.then((s) => s.destroy(), () => undefined);
    this.sides.clear();
    if (this.handle !== undefined) distNative().distDestroy(this.handle);
    this.handle = undefined;
  }
}

function handles(t: Tensor | Tensor[]): number[] {
  return (Array.isArray(t) ? t : [t]).map((x) => x.handle);
}
