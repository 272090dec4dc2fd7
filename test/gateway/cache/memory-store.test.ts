import { MemoryStore } from '../../../src/gateway/cache/memory-store.js';
import { storeContract } from './store-contract.js';

storeContract('memory', async ({ maxBytes }) => new MemoryStore({ maxBytes }));
