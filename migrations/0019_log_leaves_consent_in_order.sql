DROP INDEX `log_leaves_consent`;--> statement-breakpoint
CREATE INDEX `log_leaves_consent` ON `log_leaves` (`site_id`,`consent_id`,`idx`);