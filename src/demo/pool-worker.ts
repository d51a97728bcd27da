// One Web Worker of the page's fast pool: a GroupHost (some of a sweep's models) exposed to the page through comlink.
import { expose } from 'comlink';
import { createGroupHost } from '../fast/group-host.ts';

expose(createGroupHost());
