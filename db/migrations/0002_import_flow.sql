ALTER TABLE `import_drafts` ADD `decided_at` integer;--> statement-breakpoint
ALTER TABLE `import_drafts` ADD `plan_id` integer;--> statement-breakpoint
ALTER TABLE `import_drafts` ADD `result` text;--> statement-breakpoint
ALTER TABLE `tasks` ADD `unit_refs` text DEFAULT '[]' NOT NULL;