// The entry of one Node worker thread of the fast pool: a GroupHost exposed to the main thread through comlink.
import { parentPort } from 'node:worker_threads';
import { expose } from 'comlink/dist/esm/comlink.mjs';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { createGroupHost } from '../fast/group-host.ts';

if (!parentPort) throw new Error('fast-pool-worker runs only as a worker thread.');
expose(createGroupHost(), nodeEndpoint(parentPort));
