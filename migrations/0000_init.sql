CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`site_id` text NOT NULL,
	`key_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`revoked_at` integer,
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_hash` ON `api_keys` (`key_hash`);--> statement-breakpoint
CREATE INDEX `api_keys_site` ON `api_keys` (`site_id`);--> statement-breakpoint
CREATE TABLE `consent_events` (
	`id` text PRIMARY KEY NOT NULL,
	`site_id` text NOT NULL,
	`consent_id` text,
	`type` text NOT NULL,
	`at` integer NOT NULL,
	`data` text NOT NULL,
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `consent_events_consent` ON `consent_events` (`consent_id`,`at`);--> statement-breakpoint
CREATE TABLE `consents` (
	`id` text PRIMARY KEY NOT NULL,
	`site_id` text NOT NULL,
	`subject_id` text NOT NULL,
	`status` text NOT NULL,
	`locale` text NOT NULL,
	`policy_version` integer NOT NULL,
	`policy_sha256` text NOT NULL,
	`text_sha256` text NOT NULL,
	`collection_method` text NOT NULL,
	`page_url` text,
	`ip_prefix` text,
	`user_agent` text,
	`confirm_token_hash` text NOT NULL,
	`unsubscribe_token_hash` text NOT NULL,
	`requested_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`confirmed_at` integer,
	`confirm_method` text,
	`withdrawn_at` integer,
	`withdraw_method` text,
	`withdraw_keyword` text,
	`renewal_required` integer DEFAULT false NOT NULL,
	`updated_at` integer NOT NULL,
	`last_op_id` text NOT NULL,
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`subject_id`) REFERENCES `subjects`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `consents_confirm_token` ON `consents` (`confirm_token_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `consents_unsubscribe_token` ON `consents` (`unsubscribe_token_hash`);--> statement-breakpoint
CREATE INDEX `consents_subject` ON `consents` (`subject_id`,`status`);--> statement-breakpoint
CREATE INDEX `consents_site_status` ON `consents` (`site_id`,`status`,`id`);--> statement-breakpoint
CREATE INDEX `consents_expiry` ON `consents` (`status`,`expires_at`);--> statement-breakpoint
CREATE TABLE `inbound_messages` (
	`site_id` text NOT NULL,
	`message_id` text NOT NULL,
	`action` text,
	`at` integer NOT NULL,
	PRIMARY KEY(`site_id`, `message_id`)
);
--> statement-breakpoint
CREATE TABLE `log_heads` (
	`site_id` text PRIMARY KEY NOT NULL,
	`size` integer NOT NULL,
	`root_hash` text NOT NULL,
	`checkpoint` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `log_leaves` (
	`site_id` text NOT NULL,
	`idx` integer NOT NULL,
	`event_id` text NOT NULL,
	`consent_id` text,
	`leaf` text NOT NULL,
	`leaf_hash` text NOT NULL,
	PRIMARY KEY(`site_id`, `idx`)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `log_leaves_event` ON `log_leaves` (`event_id`);--> statement-breakpoint
CREATE INDEX `log_leaves_consent` ON `log_leaves` (`site_id`,`consent_id`);--> statement-breakpoint
CREATE TABLE `log_nodes` (
	`site_id` text NOT NULL,
	`level` integer NOT NULL,
	`idx` integer NOT NULL,
	`hash` text NOT NULL,
	PRIMARY KEY(`site_id`, `level`, `idx`)
);
--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`site_id` text NOT NULL,
	`subject_id` text NOT NULL,
	`consent_id` text,
	`kind` text NOT NULL,
	`body_ciphertext` text,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`lease_until` integer DEFAULT 0 NOT NULL,
	`outcome_unknown` integer DEFAULT false NOT NULL,
	`provider_message_id` text,
	`delivery_status` text,
	`last_error` text,
	`created_at` integer NOT NULL,
	`sent_at` integer,
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`subject_id`) REFERENCES `subjects`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `outbox_due` ON `outbox` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `outbox_consent` ON `outbox` (`consent_id`);--> statement-breakpoint
CREATE TABLE `policy_versions` (
	`site_id` text NOT NULL,
	`version` integer NOT NULL,
	`locale` text NOT NULL,
	`template_version` text NOT NULL,
	`markdown` text NOT NULL,
	`sha256` text NOT NULL,
	`summary` text NOT NULL,
	`facts` text NOT NULL,
	`meta` text NOT NULL,
	`published_at` integer NOT NULL,
	PRIMARY KEY(`site_id`, `version`, `locale`),
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `rate_counters` (
	`key` text PRIMARY KEY NOT NULL,
	`count` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sites` (
	`id` text PRIMARY KEY NOT NULL,
	`config` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`declines` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `subjects` (
	`id` text PRIMARY KEY NOT NULL,
	`site_id` text NOT NULL,
	`phone_index` text NOT NULL,
	`phone_ciphertext` text,
	`wrapped_key` text,
	`country` text NOT NULL,
	`masked` text NOT NULL,
	`created_at` integer NOT NULL,
	`erased_at` integer,
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `subjects_site_phone` ON `subjects` (`site_id`,`phone_index`);--> statement-breakpoint
CREATE TABLE `suppressions` (
	`site_id` text NOT NULL,
	`phone_index` text NOT NULL,
	`reason` text NOT NULL,
	`at` integer NOT NULL,
	PRIMARY KEY(`site_id`, `phone_index`),
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `widget_texts` (
	`site_id` text NOT NULL,
	`sha256` text NOT NULL,
	`locale` text NOT NULL,
	`policy_version` integer NOT NULL,
	`texts` text NOT NULL,
	`first_served_at` integer NOT NULL,
	PRIMARY KEY(`site_id`, `sha256`),
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE no action
);
