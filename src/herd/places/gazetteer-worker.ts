/** Builds the gazetteer off the main thread and hands its buffers over (see gazetteer.ts). */
import { parentPort } from 'node:worker_threads';
import { buildGazetteer } from './gazetteer.js';

const packed = buildGazetteer();
parentPort?.postMessage(packed, [packed.index, packed.offsets.buffer as ArrayBuffer, packed.coords.buffer as ArrayBuffer]);
