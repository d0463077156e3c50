ALTER TABLE `consents` ADD `confirm_ip_prefix` text;--> statement-breakpoint
ALTER TABLE `consents` ADD `confirm_browser` text;--> statement-breakpoint
ALTER TABLE `consents` ADD `confirm_channel` text;