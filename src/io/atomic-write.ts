// Atomic writes live in src/util; re-exported here for the I/O layer's callers.
export { writeFileAtomic, tempPathFor } from '../util/atomic-write.js';
