// Micro-benchmark cases for the per-op overhead study (npm run bench -- --micro): each isolates one
// part of a training step that the model rows mix together; bench/torch_bench.py builds the same
// cases in PyTorch, so kensa and PyTorch alternate on them exactly like the model rows.
import { manualSeed, randn, tidy, keep, noGrad } from '../src/engine/index.js';
import { F } from '../src/nn/index.js';
import { Adam } from '../src/optim/index.js';
import { MiniVgg } from '../src/models/index.js';
import type { BenchCase } from './models.js';
import { OPS_CHAIN, OPS_SIZE } from './models.js';

/** Repeats of the one-op cases per step. */
export const MICRO_REPEAT = 10;

export const MICRO_CASES: BenchCase[] = [
  {
    model: 'ADD0',
    description: `${OPS_CHAIN} adds on ${OPS_SIZE}-element tensors without gradients (crossing into the addon, no autograd)`,
    setup() {
      manualSeed(0);
      const x = keep(randn([OPS_SIZE]));
      const y = keep(randn([OPS_SIZE]));
      return {
        step: () =>
          noGrad(() =>
            tidy(() => {
              let h = x;
              for (let i = 0; i < OPS_CHAIN; i++) h = h.add(y);
              return 0;
            }),
          ),
        dispose: () => [x, y].forEach((t) => t.dispose()),
      };
    },
  },
  {
    model: 'RELU',
    description: `${MICRO_REPEAT} relus of a [64, 32, 32, 32] tensor without gradients, each result released (8 MB allocations)`,
    setup() {
      manualSeed(0);
      const x = keep(randn([64, 32, 32, 32]));
      return {
        step: () =>
          noGrad(() => {
            for (let i = 0; i < MICRO_REPEAT; i++) x.relu().dispose();
            return 0;
          }),
        dispose: () => x.dispose(),
      };
    },
  },
  {
    model: 'CONV',
    description: `${MICRO_REPEAT} 3×3 convolutions [64, 32, 32, 32] → 32 channels without gradients (M1's second layer)`,
    setup() {
      manualSeed(0);
      const x = keep(randn([64, 32, 32, 32]));
      const w = keep(randn([32, 32, 3, 3]).mul(0.05));
      const b = keep(randn([32]));
      return {
        step: () =>
          noGrad(() => {
            for (let i = 0; i < MICRO_REPEAT; i++) F.conv2d(x, w, b, { padding: 1 }).dispose();
            return 0;
          }),
        dispose: () => [x, w, b].forEach((t) => t.dispose()),
      };
    },
  },
  {
    model: 'ADAM',
    description: "one Adam update of M1's 16 parameters (0.8 M values) from fixed gradients",
    setup() {
      manualSeed(0);
      const net = new MiniVgg({ inChannels: 3, inputSize: 32, numClasses: 10 });
      const params = net.parameters();
      const grads = params.map((p) => keep(randn(p.shape).mul(0.01)));
      const opt = new Adam(params, { lr: 1e-3 });
      return {
        step: () => {
          params.forEach((p, i) => (p.grad = grads[i]));
          opt.step();
          return 0;
        },
        dispose: () => {
          grads.forEach((g) => g.dispose());
          opt.dispose();
          net.dispose();
        },
      };
    },
  },
];
