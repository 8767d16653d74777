export { assembleInstanceWatch, type InstanceWatchEvent } from './instance-watch.js';
export { SnapshotAssembler } from './snapshot-assembler.js';
