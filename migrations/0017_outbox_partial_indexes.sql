DROP INDEX `outbox_provider_message`;--> statement-breakpoint
DROP INDEX `outbox_campaign`;--> statement-breakpoint
CREATE INDEX `outbox_provider_message` ON `outbox` (`site_id`,`provider_message_id`) WHERE provider_message_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX `outbox_campaign` ON `outbox` (`campaign_id`,`status`) WHERE campaign_id IS NOT NULL;