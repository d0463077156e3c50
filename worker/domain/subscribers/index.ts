// The subscribers capability's entry: what routes, the console, the jobs and the entries call. Its modules import
// each other directly; nothing outside worker/domain/ reaches past this file.
export * from './erased-mark.ts';
export * from './import.ts';
export * from './last-contact.ts';
export * from './retention.ts';
export * from './rights.ts';
export * from './self-service.ts';
