// The proof-log capability's entry: what routes, the console, the jobs and the entries call. Its modules import
// each other directly; nothing outside worker/domain/ reaches past this file.
export * from './events.ts';
export * from './evidence.ts';
export * from './key-leaves.ts';
export * from './number-match.ts';
export * from './proof-document.ts';
export * from './receipt-schema.ts';
export * from './tiles.ts';
export * from './transparency-log.ts';
export * from './standard-records.ts';
