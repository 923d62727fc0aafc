// kensa transfer features: frozen features of a landmark-pretrained network (one layer, its
// activations global-average-pooled or flattened) for the patches of a target task, saved with
// their labels and subjects so AdaBoost can run without the CNN (kensa transfer evaluate --features).
import { resolve } from 'node:path';
import { defineCommand } from '../command.js';
import { saveFeatureFile } from '../../methods/transfer/feature-file.js';
import { FEATURE_POOLS, checkLayer, layerFeatures, rawFeatures, type FeaturePool } from '../../methods/transfer/features.js';
import { loadLandmarkModel } from '../../methods/transfer/model-store.js';
import { TARGET_TASKS, type TargetTaskName } from '../../methods/transfer/target-tasks.js';
import { REGION_FOLDER_SPECS, modelRegionFolder, targetPatches, type RegionFolderCliOptions } from './transfer-options.js';

export interface TransferFeaturesOptions extends RegionFolderCliOptions {
  /** transfer pretrain run folder. (required) */ model: string;
  /** Layer: 'embed' (the dense layer), 'features.<i>' (the trunk) or 'raw' (patch intensities). @default 'embed' */ layer: string;
  /** Pooling of a convolutional layer. @default 'gap' */ pool: string;
  /** Weights of the run. @default 'best' */ weights: string;
  /** Region folder; '' = the model's. @default '' */ data: string;
  /** Target task whose patches are described. @default 'structures' */ task: string;
  /** Patch centres per class and volume. @default 40 */ perVolume: number;
  /** Output file (.safetensors). (required) */ output: string;
}

export const transferFeaturesCommand = defineCommand<TransferFeaturesOptions>({
  name: 'transfer features',
  summary: "frozen features (one layer, GAP or flattened) of a landmark-pretrained network for a target task's patches, saved for AdaBoost",
  options: {
    model: { kind: 'string', description: 'run folder written by kensa transfer pretrain', required: true, placeholder: 'RUN' },
    layer: { kind: 'string', description: "layer: embed (the 256-wide dense layer), features.<i> (trunk), or raw (the patch intensities, no network)", default: 'embed', placeholder: 'NAME' },
    pool: { kind: 'string', description: 'convolutional layers: global average over positions, or every activation', default: 'gap', choices: FEATURE_POOLS },
    weights: { kind: 'string', description: "the run's weights", default: 'best', choices: ['best', 'last'] },
    data: { kind: 'string', description: "region folder of the same layout ('' = the one the model was trained on)", default: '', placeholder: 'DIR' },
    ...REGION_FOLDER_SPECS,
    task: { kind: 'string', description: "target task: structures (two regions that were not landmarks) or lesions (seeded synthetic lesions)", default: 'structures', choices: TARGET_TASKS },
    perVolume: { kind: 'integer', description: 'patch centres per class and volume', default: 40, min: 1 },
    output: { kind: 'string', description: 'file to write (safetensors: features [N, D], labels [N], what the rows are)', required: true, placeholder: 'FILE' },
  },
  async run(o, _args, ctx) {
    const { meta, net } = loadLandmarkModel(o.model, o.weights as 'best' | 'last');
    try {
      if (o.layer !== 'raw') checkLayer(net, o.layer, o.pool); // before any patch is cut
      const folder = await modelRegionFolder(o.data, o, meta);
      const { task, set } = await targetPatches(o.task as TargetTaskName, folder, meta, o.perVolume, o.seed);
      const features = o.layer === 'raw' ? rawFeatures(set) : layerFeatures(net, set, o.layer, o.pool as FeaturePool, { norm: meta.norm, device: o.device });
      const output = resolve(o.output);
      saveFeatureFile(output, { task: task.name, classNames: [...task.classNames], perVolume: o.perVolume, taskSeed: o.seed, data: folder.dir, groups: task.items.map((it) => it.group ?? it.volume), model: o.layer === 'raw' ? '' : resolve(o.model), layer: o.layer, pool: o.layer === 'raw' ? 'none' : o.pool, features, labels: Int32Array.from(task.items, (it) => it.label) });
      ctx.log(`transfer features: ${features.rows} patches × ${features.cols} features of ${o.layer}${o.layer === 'raw' ? '' : `/${o.pool}`} → ${output}`);
      const result = { output, task: task.name, classNames: task.classNames, rows: features.rows, cols: features.cols, layer: o.layer, pool: o.pool, subjects: new Set(task.items.map((it) => it.group)).size };
      return { json: result, text: `transfer features: ${features.rows} × ${features.cols} (${task.name}: ${task.classNames.join(' vs ')}) in ${output}` };
    } finally {
      net.dispose();
    }
  },
});
