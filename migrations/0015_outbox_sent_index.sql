DROP INDEX `outbox_provider_message`;--> statement-breakpoint
CREATE INDEX `outbox_provider_message` ON `outbox` (`site_id`,`provider_message_id`) WHERE provider_message_id IS NOT NULL;