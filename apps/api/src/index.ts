/** The License Insights HTTP server: build it (tests inject into it) or start it on a port. */
export { type Api, type AppContext, type AppDeps, buildApp } from './app';

// Jobs, and the server on a port (the CLI's tests run one in-process to send commands through it).
export type { JobRunner } from './jobs/job-runner';
export { type RunningServer, type StartOptions, startServer } from './server';
