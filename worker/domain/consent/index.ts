// The consent capability's entry: what routes, the console, the jobs and the entries call. Its modules import
// each other directly; nothing outside worker/domain/ reaches past this file.
export * from './client-info.ts';
export * from './confirm.ts';
export * from './existing-customer.ts';
export * from './lifecycle.ts';
export * from './phone.ts';
export * from './request.ts';
