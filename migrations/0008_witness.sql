CREATE TABLE `witness_checkpoints` (
	`origin` text PRIMARY KEY NOT NULL,
	`size` integer NOT NULL,
	`root_hash` text NOT NULL,
	`checkpoint` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `witness_cosignatures` (
	`site_id` text NOT NULL,
	`size` integer NOT NULL,
	`witness` text NOT NULL,
	`root_hash` text NOT NULL,
	`lines` text NOT NULL,
	`cosigned_at` integer NOT NULL,
	PRIMARY KEY(`site_id`, `size`, `witness`)
);
--> statement-breakpoint
CREATE TABLE `witness_submissions` (
	`site_id` text NOT NULL,
	`witness` text NOT NULL,
	`cosigned_size` integer DEFAULT 0 NOT NULL,
	`cosigned_at` integer,
	`last_attempt_at` integer,
	`next_attempt_at` integer DEFAULT 0 NOT NULL,
	`failures` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	PRIMARY KEY(`site_id`, `witness`)
);
