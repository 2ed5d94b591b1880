CREATE TABLE `delivery_reports` (
	`outbox_key` text PRIMARY KEY NOT NULL,
	`report_key` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `job_runs` (
	`job` text NOT NULL,
	`period` text NOT NULL,
	`status` text NOT NULL,
	`lease_until` integer DEFAULT 0 NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`detail` text DEFAULT '{}' NOT NULL,
	PRIMARY KEY(`job`, `period`)
);
--> statement-breakpoint
CREATE TABLE `reminders` (
	`assignment_id` integer NOT NULL,
	`kind` text NOT NULL,
	`business_date` text NOT NULL,
	`at` integer NOT NULL,
	PRIMARY KEY(`assignment_id`, `kind`, `business_date`),
	FOREIGN KEY (`assignment_id`) REFERENCES `assignments`(`id`) ON UPDATE no action ON DELETE cascade
);
