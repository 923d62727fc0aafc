// LR schedules against torch.optim.lr_scheduler sequences (base LR 0.5, 12 epochs).
import { test } from 'node:test';
import { Scheduler, SGD, stepSchedule, cosineSchedule, linearSchedule, constantThenLinearSchedule, type LrFactor } from './index.js';
import { zeros } from '../engine/index.js';
import { assertNumbersClose, loadJsonFixture } from '../testing/fixtures.js';

const fx = loadJsonFixture<Record<string, number[]>>('engine', 'schedules.json');

const SCHEDULES: Record<string, LrFactor> = {
  step: stepSchedule({ stepSize: 3, gamma: 0.5 }),
  cosine: cosineSchedule({ tMax: 10, minFactor: 0.1 }),
  linear: linearSchedule({ startFactor: 0.25, endFactor: 1, totalIters: 4 }),
  constant_then_linear: constantThenLinearSchedule({ constantEpochs: 5, decayEpochs: 6 }),
};

for (const [name, factor] of Object.entries(SCHEDULES)) {
  test(`${name} schedule gives torch's LR sequence`, () => {
    const p = zeros([1], { requiresGrad: true });
    const opt = new SGD([p], { lr: 0.5 });
    const sched = new Scheduler(opt, factor);
    const lrs: number[] = [];
    for (let e = 0; e < 12; e++) {
      lrs.push(opt.lr);
      sched.step();
    }
    assertNumbersClose(lrs, fx[name], name, 1e-9);
    p.dispose();
  });
}
