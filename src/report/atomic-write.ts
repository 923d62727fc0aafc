// Atomic writes live in src/util; re-exported here for the report layer's callers.
export { writeFileAtomic } from '../util/atomic-write.js';
