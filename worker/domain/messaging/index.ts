// The messaging capability's entry: what routes, the console, the jobs and the entries call. Its modules import
// each other directly; nothing outside worker/domain/ reaches past this file.
export * from './campaigns.ts';
export * from './delivery-reports.ts';
export * from './dispatcher.ts';
export * from './inbound-replies.ts';
export * from './renewals.ts';
export * from './send-gate.ts';
export * from './test-sms.ts';
export * from './queue.ts';
export * from './renewal-overview.ts';
