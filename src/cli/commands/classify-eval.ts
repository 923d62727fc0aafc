// kensa classify eval: a trained classifier on a class-per-folder tree read as its training images
// were — by default the held-apart test groups of its own training root, or every image of another
// folder of the same layout (--data) — with accuracy, per-group accuracy, confusion matrix and ROC.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineCommand } from '../command.js';
import { loadImageSet, subsetImageSet } from '../../data/index.js';
import { loadClassifierRun } from '../../methods/classify/model-store.js';
import { TTA_MODES, predictProbabilities, type TtaMode } from '../../methods/classify/trainer.js';
import { evaluateProbabilities } from '../../methods/classify/evaluation.js';
import { InputError, OptionError } from '../../util/errors.js';
import { evaluationFigures, evaluationSummary } from './classify-common.js';
import { indicesOf, type GroupSplit } from './image-set-options.js';

export interface ClassifyEvalOptions {
  /** Classifier run folder. (required) */ model: string;
  /** Class-per-folder root; default the run's training root. @default the training root */ data?: string;
  /** Which groups: 'auto' (test groups of the training root, every image of another folder), test, val, train, all. @default 'auto' */ split: string;
  /** 'best' or 'last' weights. @default 'best' */ weights: string;
  /** Test-time augmentation: 'flip' averages the probabilities of each image and its left-right mirror. @default 'none' */ tta: string;
}

export const classifyEvalCommand = defineCommand<ClassifyEvalOptions>({
  name: 'classify eval',
  summary: 'evaluate a trained classifier on held-apart subjects or another folder (accuracy, confusion matrix, ROC)',
  writesRun: true,
  options: {
    model: { kind: 'string', description: 'classifier run folder (from classify train)', required: true, placeholder: 'RUN' },
    data: { kind: 'string', description: "class-per-folder root (default: the run's training root)", placeholder: 'DIR' },
    split: { kind: 'string', description: "'auto': the run's test groups on its own root, every image of another folder", default: 'auto', choices: ['auto', 'test', 'val', 'train', 'all'] },
    weights: { kind: 'string', description: 'which checkpoint', default: 'best', choices: ['best', 'last'] },
    tta: { kind: 'string', description: "test-time augmentation: 'flip' averages the probabilities of each image and its left-right mirror", default: 'none', choices: TTA_MODES },
  },
  async run(o, _args, ctx) {
    const model = loadClassifierRun(o.model, o.weights as 'best' | 'last');
    try {
      const root = o.data ?? model.meta.data;
      if (!root) throw new OptionError('--data', 'is required (the run does not record its training root)');
      const own = model.meta.data !== undefined && resolve(root) === model.meta.data;
      const which = o.split === 'auto' ? (own ? 'test' : 'all') : o.split;
      let set = await loadImageSet(root, { ...model.meta.image, size: model.inputSize, classes: model.classes });
      if (which !== 'all') {
        const path = join(o.model, 'split.json');
        let split: GroupSplit;
        try {
          split = JSON.parse(readFileSync(path, 'utf8')) as GroupSplit;
        } catch (e) {
          throw new InputError(path, `cannot read the run's split (${(e as Error).message.split('\n')[0]})`);
        }
        set = subsetImageSet(set, indicesOf(set, split[which as keyof GroupSplit]));
        if (set.count === 0) throw new OptionError('--split', `the ${which} groups of ${o.model} are not in ${root}`);
      }
      const probs = predictProbabilities(model.net, set, { norm: model.meta.norm, device: o.device, tta: o.tta as TtaMode });
      const run = ctx.run();
      const what = `${which === 'all' ? 'every image' : `the ${which} groups`} of ${root}`;
      const ev = run ? await evaluationFigures(run, 'eval', set, probs, what) : evaluateProbabilities(set, probs);
      ctx.log(`classify eval: ${set.count} images, ${ev.groups} groups (${what}), epoch ${model.epoch} weights`);
      return {
        summary: await evaluationSummary(run, 'eval', ev, model.classes, what, [{ label: 'Weights', value: `epoch ${model.epoch}`, note: o.weights }, { label: 'Test-time augmentation', value: o.tta }]),
        json: { ...ev, classes: model.classes, split: which, tta: o.tta, data: resolve(root), epoch: model.epoch },
        text: `classify eval: accuracy ${(ev.accuracy * 100).toFixed(1)} % per image (${ev.count}), ${(ev.groupAccuracy * 100).toFixed(1)} % per group (${ev.groups}), balanced ${(ev.balancedAccuracy * 100).toFixed(1)} %`,
      };
    } finally {
      model.dispose();
    }
  },
});
