CREATE TABLE `renewal_campaigns` (
	`id` text PRIMARY KEY NOT NULL,
	`site_id` text NOT NULL,
	`policy_version` integer NOT NULL,
	`created_at` integer NOT NULL,
	`send_at` integer NOT NULL,
	`deadline` integer NOT NULL,
	`closed_at` integer,
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `renewal_campaigns_site` ON `renewal_campaigns` (`site_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `renewal_campaigns_due` ON `renewal_campaigns` (`closed_at`,`deadline`);--> statement-breakpoint
CREATE TABLE `renewal_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`campaign_id` text NOT NULL,
	`site_id` text NOT NULL,
	`consent_id` text NOT NULL,
	`token_hash` text NOT NULL,
	`status` text NOT NULL,
	`created_at` integer NOT NULL,
	`answered_at` integer,
	FOREIGN KEY (`campaign_id`) REFERENCES `renewal_campaigns`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `renewal_requests_token` ON `renewal_requests` (`token_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `renewal_requests_campaign_consent` ON `renewal_requests` (`campaign_id`,`consent_id`);--> statement-breakpoint
CREATE INDEX `renewal_requests_campaign_status` ON `renewal_requests` (`campaign_id`,`status`);--> statement-breakpoint
ALTER TABLE `consents` ADD `basis` text DEFAULT 'consent' NOT NULL;--> statement-breakpoint
ALTER TABLE `consents` ADD `purpose` text;--> statement-breakpoint
ALTER TABLE `consents` ADD `sale_ref_hmac` text;--> statement-breakpoint
ALTER TABLE `consents` ADD `sale_date` text;--> statement-breakpoint
ALTER TABLE `consents` ADD `notice_text` text;--> statement-breakpoint
ALTER TABLE `consents` ADD `renewed_version` integer;