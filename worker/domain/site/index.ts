// The site capability's entry: what routes, the console, the jobs and the entries call. Its modules import
// each other directly; nothing outside worker/domain/ reaches past this file.
export * from './config.ts';
export * from './equal-choice.ts';
export * from './rules.ts';
export * from './secrets.ts';
export * from './sites.ts';
export * from './widget-config.ts';
export * from './widget-document.ts';
export * from './widget-texts.ts';
export * from './french-rules.ts';
