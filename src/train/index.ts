// The shared training loop and its checkpoints.
export { fit } from './fit.js';
export type { EpochRecord, FitHooks, FitOptions, FitReporter, FitResult, FitTask, StepResult } from './fit.js';
export { BEST_FILE, CHECKPOINT_FORMAT, latestCheckpoint, latestGoodCheckpoint, listCheckpoints, verifyCheckpoint, loadCheckpoint, loadWeights, pruneCheckpoints, saveCheckpoint } from './checkpoint.js';
export type { CheckpointMeta, CheckpointParts } from './checkpoint.js';
