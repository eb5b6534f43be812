// Entry of the engine's worker thread: TypeScript is loaded the way the CLI loads it (tsx), then
// the worker module (engine-worker.ts) takes the messages.
import { register } from 'tsx/esm/api';

register();
await import('./engine-worker.ts');
