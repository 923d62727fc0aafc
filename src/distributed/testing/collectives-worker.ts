// One rank of the process-group tests (process-group.test.ts starts 2–3 of these with torchrun's
// variables). Prints one JSON line with what it saw; a failure prints one line and exits 1.
import { tensor } from '../../engine/index.js';
import { ProcessGroup } from '../process-group.js';

const mode = process.argv[2] ?? 'collectives';

async function main(): Promise<unknown> {
  const pg = await ProcessGroup.fromEnv();
  if (!pg) throw new Error('collectives-worker: WORLD_SIZE is unset');
  const r = pg.rank;
  if (mode === 'collectives') {
    // all-reduce sum of [r+1, 2(r+1)] over 3 ranks: [1+2+3, 2+4+6] = [6, 12]
    const a = tensor([r + 1, 2 * (r + 1)]);
    await pg.allReduce(a, 'sum');
    // avg of the same: [2, 4]
    const b = tensor([r + 1, 2 * (r + 1)]);
    await pg.allReduce(b, 'avg');
    // a bucket of two shapes in one collective: [[r,r],[r,r]] and [10r]: sums [[3,3],[3,3]] and [30]
    const c1 = tensor([[r, r], [r, r]]);
    const c2 = tensor([10 * r]);
    await pg.allReduce([c1, c2], 'sum');
    // max of r: 2
    const d = tensor([r]);
    await pg.allReduce(d, 'max');
    // broadcast from rank 1: [7, 8, 9] everywhere
    const e = tensor(r === 1 ? [7, 8, 9] : [0, 0, 0]);
    await pg.broadcast(e, 1);
    // all-gather of [r, 10r]: [[0,0],[1,10],[2,20]]
    const g = await pg.allGather(tensor([r, 10 * r]));
    // the sync variant, used inside an optimizer step: sum of r+1 = 6
    const f = tensor([r + 1]);
    pg.allReduceSync(f, 'sum');
    await pg.barrier();
    pg.destroy();
    return { rank: r, sum: a.toArray(), avg: b.toArray(), bucket: [c1.toArray(), c2.toArray()], max: d.toArray(), broadcast: e.toArray(), gather: g.map((t) => t.toArray()), sync: f.toArray() };
  }
  if (mode === 'late') {
    // rank 1 joins the all-reduce 600 ms late; rank 0 counts event-loop ticks while it waits
    let ticks = 0;
    const timer = setInterval(() => ticks++, 20);
    if (r === 1) await new Promise((res) => setTimeout(res, 600));
    const t0 = Date.now();
    const a = tensor([r + 1]);
    await pg.allReduce(a);
    clearInterval(timer);
    return { rank: r, sum: a.toArray(), ticks, waitedMs: Date.now() - t0 };
  }
  if (mode === 'hang' || mode === 'die') {
    // rank 1 says it is ready and then never joins a collective (the test kills it, or it sleeps)
    if (r === 1) {
      process.stdout.write('ready\n');
      await new Promise((res) => setTimeout(res, 600_000));
      return {};
    }
    const t0 = Date.now();
    try {
      await pg.allReduce(tensor([1]));
    } catch (e) {
      process.stdout.write(`${JSON.stringify({ rank: r, error: (e as Error).message, ms: Date.now() - t0 })}\n`);
      process.exit(1);
    }
    return { rank: r, unexpected: 'the all-reduce finished' };
  }
  if (mode === 'torch') {
    // joins a group with a PyTorch rank: sum of kensa's [1,2,3] and PyTorch's [10,20,30]; then PyTorch broadcasts
    const a = tensor([1, 2, 3]);
    await pg.allReduce(a, 'sum');
    const b = tensor([0, 0]);
    const torchRank = Number(process.env.TORCH_RANK ?? 1);
    await pg.broadcast(b, torchRank);
    const g = await pg.allGather(tensor([r, r]));
    return { rank: r, sum: a.toArray(), broadcast: b.toArray(), gather: g.map((t) => t.toArray()) };
  }
  throw new Error(`collectives-worker: unknown mode ${mode}`);
}

main().then(
  (res) => {
    process.stdout.write(`${JSON.stringify(res)}\n`);
    process.exit(0);
  },
  (e: unknown) => {
    process.stdout.write(`${JSON.stringify({ error: e instanceof Error ? e.message.split('\n')[0] : String(e) })}\n`);
    process.exit(1);
  },
);
