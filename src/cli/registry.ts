// Every kensa command, registered once: the CLI, --help and the docs iterate this list.
import type { AnyCommand } from './command.js';
import { demoCommand } from './commands/demo.js';
import { infoCommand } from './commands/info.js';
import { segmentCommand } from './commands/segment.js';
import { evalSegmentationCommand } from './commands/eval-segmentation.js';
import { metricOpensetEvalCommand } from './commands/metric-openset-eval.js';
import { metricTrainCommand } from './commands/metric-train.js';
import { metricIdentifyCommand } from './commands/metric-identify.js';
import { cycleganTrainCommand } from './commands/cyclegan-train.js';
import { cycleganTranslateCommand } from './commands/cyclegan-translate.js';
import { classifyTrainCommand } from './commands/classify-train.js';
import { classifyEvalCommand } from './commands/classify-eval.js';
import { classifyPredictCommand } from './commands/classify-predict.js';
import { explainCommand } from './commands/explain.js';
import { camCommand } from './commands/cam.js';
import { segmentTrainCommand } from './commands/segment-train.js';
import { segmentPredictCommand } from './commands/segment-predict.js';
import { segAbilityCommand } from './commands/seg-ability.js';
import { serveCommand } from './commands/serve.js';
import { launchCommand } from './commands/launch.js';
import { mergeShardsCommand } from './commands/merge-shards.js';
import { transferPretrainCommand } from './commands/transfer-pretrain.js';
import { transferFeaturesCommand } from './commands/transfer-features.js';
import { transferEvaluateCommand } from './commands/transfer-evaluate.js';

export const COMMANDS: AnyCommand[] = [demoCommand, infoCommand, segmentCommand, evalSegmentationCommand, metricOpensetEvalCommand, metricTrainCommand, metricIdentifyCommand, cycleganTrainCommand, cycleganTranslateCommand, classifyTrainCommand, classifyEvalCommand, classifyPredictCommand, camCommand, explainCommand, segmentTrainCommand, segmentPredictCommand, segAbilityCommand, transferPretrainCommand, transferFeaturesCommand, transferEvaluateCommand, serveCommand, launchCommand, mergeShardsCommand];

/** The command named by the first one or two words of argv, and how many words it took. */
export function findCommand(argv: string[]): { cmd: AnyCommand; words: number } | undefined {
  const two = `${argv[0]} ${argv[1]}`;
  const byTwo = COMMANDS.find((c) => c.name === two);
  if (byTwo) return { cmd: byTwo, words: 2 };
  const byOne = COMMANDS.find((c) => c.name === argv[0]);
  return byOne ? { cmd: byOne, words: 1 } : undefined;
}
