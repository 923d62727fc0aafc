// Data-parallel training and process groups on libtorch's c10d (Gloo).
export { ProcessGroup, type ProcessGroupOptions, type ReduceOp } from './process-group.js';
export { distAvailable } from './native-dist.js';
export { distConfigFromEnv, distConfigFromUrl, distEnv, DEFAULT_TIMEOUT_MS, type DistConfig } from './config.js';
export { dataShard, setDataShard, shardOf, shardRange, type DataShard } from './world.js';
export { dataParallelFromEnv, makeDataParallel, ddpOptionsFromEnv, buckets, type DataParallel, type DataParallelOptions, type Replicated } from './data-parallel.js';
export { GradReducer, reducerAvailable, type ReducerStats } from './grad-reducer.js';
export { replicaRunDir, inReplica } from './replica.js';
export { freePort } from './free-port.js';
