// The policies capability's entry: what routes, the console, the jobs and the entries call. Its modules import
// each other directly; nothing outside worker/domain/ reaches past this file.
export * from './publish.ts';
export * from './versions.ts';
export * from './drift.ts';
