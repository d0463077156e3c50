CREATE TABLE `widget_bundles` (
	`sha256` text PRIMARY KEY NOT NULL,
	`code` text NOT NULL,
	`first_served_at` integer NOT NULL
);
