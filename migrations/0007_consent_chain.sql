ALTER TABLE `consents` ADD `chain_idx` integer;--> statement-breakpoint
ALTER TABLE `consents` ADD `chain_hash` text;--> statement-breakpoint
UPDATE `consents` SET
  `chain_idx` = (SELECT MAX(l.`idx`) FROM `log_leaves` l WHERE l.`site_id` = `consents`.`site_id` AND l.`consent_id` = `consents`.`id`),
  `chain_hash` = (SELECT l.`leaf_hash` FROM `log_leaves` l WHERE l.`site_id` = `consents`.`site_id` AND l.`consent_id` = `consents`.`id` ORDER BY l.`idx` DESC LIMIT 1);
