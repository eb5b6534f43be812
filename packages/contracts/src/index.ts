export * from './canonical';
export * from './catalog';
export * from './codes';
export * from './graph';
export * from './metrics';
export * from './problems';
export * from './status';
