/** The License Insights HTTP server: build it (tests inject into it) or start it on a port. */
export { type Api, type AppContext, type AppDeps, buildApp } from './app';
