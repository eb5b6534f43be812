#!/usr/bin/env node
// Entry point of the server (`insights serve` runs it): registers the TypeScript loader, then starts.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
