// kensa demo: trains a mini-VGG on generated shape images and reports loss and accuracy — the
// end-to-end check that the engine, nn, optimizers, run folder and report work together.
import { defineCommand } from '../command.js';
import { tensor, tidy, keep, noGrad, dispose, type Tensor } from '../../engine/index.js';
import { F } from '../../nn/index.js';
import { Adam } from '../../optim/index.js';
import { MiniVgg } from '../../models/index.js';
import { lineCurves } from '../../report/figures/line-curves.js';
import { Rng } from '../../data/rng.js';
import { makeShapes, SHAPE_CLASSES } from '../../methods/demo/shapes-dataset.js';

export interface DemoOptions {
  /** @default 6 */ epochs: number;
  /** Training images per class (a quarter as many again are held out). @default 200 */ perClass: number;
  /** Image height = width. @default 32 */ size: number;
  /** @default 32 */ batchSize: number;
  /** Adam learning rate. @default 0.001 */ lr: number;
}

export const demoCommand = defineCommand<DemoOptions>({
  name: 'demo',
  summary: 'train a small CNN on generated shape images (a quick end-to-end check)',
  writesRun: true,
  options: {
    epochs: { kind: 'integer', description: 'training epochs', default: 6, min: 1 },
    perClass: { kind: 'integer', description: 'training images per class', default: 200, min: 4 },
    size: { kind: 'integer', description: 'image height and width', default: 32, min: 8 },
    batchSize: { kind: 'integer', description: 'images per step', default: 32, min: 1 },
    lr: { kind: 'number', description: 'Adam learning rate', default: 0.001, min: 0 },
  },
  async run(o, _args, ctx) {
    const started = Date.now();
    const train = makeShapes(o.perClass, o.size, o.seed);
    const test = makeShapes(Math.max(1, Math.floor(o.perClass / 4)), o.size, o.seed + 1);
    const device = o.device;
    const toTensors = (d: typeof train): [Tensor, Tensor] => [
      keep(tensor(d.images, { shape: [d.count, 1, d.size, d.size], device })),
      keep(tensor(Array.from(d.labels), { dtype: 'int64', device })),
    ];
    const [xTrain, yTrain] = toTensors(train);
    const [xTest, yTest] = toTensors(test);
    const net = new MiniVgg({ inChannels: 1, inputSize: o.size, widths: [16, 32], denseWidth: 64, numClasses: SHAPE_CLASSES.length, batchNorm: true });
    net.to(device);
    const opt = new Adam(net.parameters(), { lr: o.lr });
    ctx.log(`demo: ${train.count} training and ${test.count} test images of ${SHAPE_CLASSES.join('/')}, ${net.parameterCount()} parameters, ${device}`);
    const stepsPerEpoch = Math.ceil(train.count / o.batchSize);
    const lossCurve: number[] = [];
    const epochLoss: number[] = [];
    const testAccuracy: number[] = [];
    const accuracy = (): number =>
      tidy(() => {
        net.eval();
        const pred = noGrad(() => net.forward(xTest)).argmax(1);
        net.train();
        return pred.eq(yTest).float().mean().item();
      });
    const run = ctx.run();
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      const bar = ctx.progress({ label: `epoch ${epoch + 1}/${o.epochs}`, total: stepsPerEpoch, unit: 'steps' });
      const perm = tidy(() => keep(tensor(Rng.derive(o.seed, epoch).permutation(train.count), { dtype: 'int64', device })));
      let sum = 0;
      for (let s = 0; s < stepsPerEpoch; s++) {
        opt.zeroGrad();
        const loss = tidy(() => {
          const idx = perm.slice(0, s * o.batchSize, Math.min(train.count, (s + 1) * o.batchSize));
          const l = F.crossEntropy(net.forward(xTrain.indexSelect(0, idx)), yTrain.indexSelect(0, idx));
          l.backward();
          return l.item();
        });
        opt.step();
        sum += loss;
        lossCurve.push(loss);
        bar.tick(1, `loss ${loss.toFixed(3)}`);
      }
      perm.dispose();
      epochLoss.push(sum / stepsPerEpoch);
      testAccuracy.push(accuracy());
      bar.done(`mean loss ${epochLoss[epoch].toFixed(3)}, test accuracy ${(testAccuracy[epoch] * 100).toFixed(1)}%`);
      run?.log(`epoch ${epoch + 1}: loss ${epochLoss[epoch].toFixed(4)} test accuracy ${testAccuracy[epoch].toFixed(4)}`);
      if (run) net.save(`${run.checkpointDir()}/epoch-${epoch + 1}.safetensors`, { epoch: String(epoch + 1) });
    }
    if (run) {
      await run.figures.add(lineCurves, 'training-loss', { series: [{ name: 'training loss', x: lossCurve.map((_, i) => i + 1), y: lossCurve }] }, { xTitle: 'step', yTitle: 'cross-entropy' }, 'Training loss per step');
      await run.figures.add(lineCurves, 'test-accuracy', { series: [{ name: 'test accuracy', x: testAccuracy.map((_, i) => i + 1), y: testAccuracy }] }, { xTitle: 'epoch', yTitle: 'accuracy' }, 'Held-out accuracy after each epoch');
    }
    const result = {
      epochs: o.epochs,
      trainImages: train.count,
      testImages: test.count,
      epochLoss,
      testAccuracy,
      finalTestAccuracy: testAccuracy[testAccuracy.length - 1],
      ms: Date.now() - started,
    };
    opt.dispose();
    net.dispose();
    dispose([xTrain, yTrain, xTest, yTest]);
    return {
      json: result,
      text: `demo: test accuracy ${(result.finalTestAccuracy * 100).toFixed(1)}% after ${o.epochs} epochs (${(result.ms / 1000).toFixed(1)} s)`,
    };
  },
});
