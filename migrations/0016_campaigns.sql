CREATE TABLE `campaigns` (
	`id` text PRIMARY KEY NOT NULL,
	`site_id` text NOT NULL,
	`body_sha256` text NOT NULL,
	`body` text NOT NULL,
	`locale` text NOT NULL,
	`purpose` text,
	`segments` integer NOT NULL,
	`encoding` text NOT NULL,
	`requested_at` integer,
	`scheduled_at` integer NOT NULL,
	`status` text NOT NULL,
	`queued` integer DEFAULT 0 NOT NULL,
	`skipped` text DEFAULT '{}' NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`stopped_at` integer,
	`stopped_by` text,
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `campaigns_site` ON `campaigns` (`site_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `outbox` ADD `campaign_id` text;--> statement-breakpoint
CREATE INDEX `outbox_campaign` ON `outbox` (`campaign_id`,`status`);--> statement-breakpoint
ALTER TABLE `renewal_campaigns` ADD `started_at` integer;--> statement-breakpoint
UPDATE `renewal_campaigns` SET `started_at` = `created_at`;
