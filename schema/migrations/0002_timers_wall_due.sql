ALTER TABLE `timers` ADD `wall_due_at` integer;--> statement-breakpoint
ALTER TABLE `timers` ADD `error` text;--> statement-breakpoint
CREATE INDEX `timers_wall_due` ON `timers` (`wall_due_at`);