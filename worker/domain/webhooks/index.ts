// The webhooks capability's entry: signed webhooks out (Standard Webhooks), their endpoints and their deliveries.
export * from './delivery.ts';
export * from './endpoints.ts';
export { WEBHOOK_EVENTS, type WebhookEvent } from '../../db/webhooks.ts';
