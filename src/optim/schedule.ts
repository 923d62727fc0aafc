// Learning-rate schedules as pure functions of the epoch (or step) index, plus a Scheduler that
// applies one to an optimizer. Closed forms of torch.optim.lr_scheduler's StepLR,
// CosineAnnealingLR, LinearLR, and the CycleGAN-style constant-then-linear decay.
import type { Optimizer } from './optimizer.js';

/** Multiplier of the base LR at epoch t (t = 0 before any scheduler step). */
export type LrFactor = (t: number) => number;

export interface StepScheduleOptions {
  stepSize: number;
  /** @default 0.1 */ gamma?: number;
}

/** lr·γ^⌊t / stepSize⌋ */
export function stepSchedule(o: StepScheduleOptions): LrFactor {
  const gamma = o.gamma ?? 0.1;
  return (t) => gamma ** Math.floor(t / o.stepSize);
}

export interface CosineScheduleOptions {
  /** Epochs of one half-cosine. */
  tMax: number;
  /** Final LR as a fraction of the base LR. @default 0 */ minFactor?: number;
}

/** η_min + (η − η_min)(1 + cos(π t / T_max)) / 2; past T_max it rises again, as PyTorch's does. */
export function cosineSchedule(o: CosineScheduleOptions): LrFactor {
  const m = o.minFactor ?? 0;
  return (t) => m + ((1 - m) * (1 + Math.cos((Math.PI * t) / o.tMax))) / 2;
}

export interface LinearScheduleOptions {
  /** @default 1/3 */ startFactor?: number;
  /** @default 1 */ endFactor?: number;
  /** Epochs to go from start to end factor. @default 5 */ totalIters?: number;
}

/** Linear from startFactor to endFactor over totalIters epochs, then constant (LinearLR). */
export function linearSchedule(o: LinearScheduleOptions = {}): LrFactor {
  const s = o.startFactor ?? 1 / 3;
  const e = o.endFactor ?? 1;
  const n = o.totalIters ?? 5;
  return (t) => s + ((e - s) * Math.min(t, n)) / n;
}

export interface ConstantThenLinearOptions {
  /** Epochs at the base LR. */
  constantEpochs: number;
  /** Epochs of linear decay towards zero afterwards. */
  decayEpochs: number;
}

/** 1 − max(0, t − constantEpochs) / (decayEpochs + 1): CycleGAN's schedule (epochs counted from 0). */
export function constantThenLinearSchedule(o: ConstantThenLinearOptions): LrFactor {
  return (t) => 1 - Math.max(0, t - o.constantEpochs) / (o.decayEpochs + 1);
}

export function constantSchedule(): LrFactor {
  return () => 1;
}

/** Applies a schedule: call step() once per epoch (or per iteration, if the schedule counts those). */
export class Scheduler {
  private t = 0;
  private readonly baseLrs: number[];
  constructor(
    private readonly optimizer: Optimizer<{ lr: number }>,
    private readonly factor: LrFactor,
  ) {
    this.baseLrs = optimizer.groups.map((g) => g.hyper.lr);
    this.apply();
  }
  get epoch(): number {
    return this.t;
  }
  step(): void {
    this.t += 1;
    this.apply();
  }
  /** Jumps to epoch t (for resuming). */
  setEpoch(t: number): void {
    this.t = t;
    this.apply();
  }
  private apply(): void {
    this.optimizer.setLr((i) => this.baseLrs[i] * this.factor(this.t));
  }
}
