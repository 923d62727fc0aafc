// kensa merge-shards: the run folders of one sharded folder job (segment, metric identify,
// classify predict or segment-predict with --shard R/N, one folder per part) merged into one run
// folder with one report, as if the job had run unsharded: per-input outputs together in the
// unsharded order, metrics recomputed over every input.
import { resolve } from 'node:path';
import { defineCommand } from '../command.js';
import { OptionError } from '../../util/errors.js';
import type { ShardMerger } from '../merge/merger.js';

export type MergeShardsOptions = Record<string, never>;

async function mergers(): Promise<ShardMerger[]> {
  const [{ segmentMerger }, { metricIdentifyMerger }, { classifyPredictMerger }, { segmentPredictMerger }] = await Promise.all([
    import('../merge/segment-merger.js'),
    import('../merge/metric-identify-merger.js'),
    import('../merge/classify-predict-merger.js'),
    import('../merge/segment-predict-merger.js'),
  ]);
  return [segmentMerger, metricIdentifyMerger, classifyPredictMerger, segmentPredictMerger];
}

export const mergeShardsCommand = defineCommand<MergeShardsOptions>({
  name: 'merge-shards',
  summary: 'merge the run folders of a --shard R/N job (segment, metric identify, classify predict, segment-predict) into one run and report',
  positionals: [{ name: 'SHARD_DIR', description: 'the run folder of every part of the job', variadic: true }],
  writesRun: true,
  options: {},
  async run(o, args, ctx) {
    if (o.out === undefined) throw new OptionError('--out', 'is required (the merged run folder)');
    const all = await mergers();
    const { readShardRuns } = await import('../merge/shard-runs.js');
    const { command, runs } = readShardRuns(args, all.map((m) => m.command));
    const merger = all.find((m) => m.command === command)!;
    const target = resolve(o.out);
    if (runs.some((r) => r.dir === target)) throw new OptionError('--out', `${target} is one of the shard run folders; merge into a new folder`);
    ctx.log(`merge-shards: ${runs.length} '${command}' shards into ${target}`);
    const result = await merger.merge(runs, ctx);
    await ctx.run()!.writeJson('shards.json', runs.map((r) => ({ dir: r.dir, shard: `${r.shard.index}/${r.shard.count}`, argv: r.config.argv })));
    return result;
  },
});
