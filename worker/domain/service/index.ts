// The service capability's entry: what routes, the console, the jobs and the entries call. Its modules import
// each other directly; nothing outside worker/domain/ reaches past this file.
export * from './health.ts';
export * from './master-key.ts';
