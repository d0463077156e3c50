// The console capability's entry: what routes, the console, the jobs and the entries call. Its modules import
// each other directly; nothing outside worker/domain/ reaches past this file.
export * from './sessions.ts';
export * from './stats.ts';
export * from './widget-texts.ts';
export * from './audit.ts';
export * from './passkeys.ts';
export * from './people.ts';
