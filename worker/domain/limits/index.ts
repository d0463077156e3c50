// The limits capability's entry: what routes, the console, the jobs and the entries call. Its modules import
// each other directly; nothing outside worker/domain/ reaches past this file.
export * from './challenge.ts';
export * from './opt-in.ts';
export * from './rate-windows.ts';
export * from './sign-in.ts';
