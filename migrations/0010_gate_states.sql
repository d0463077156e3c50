CREATE TABLE `gate_states` (
	`site_id` text NOT NULL,
	`phone_index` text NOT NULL,
	`subject_id` text NOT NULL,
	`masked` text NOT NULL,
	`erased_at` integer,
	`suppressed` integer NOT NULL,
	`consent_id` text,
	`status` text,
	`renewal_required` integer,
	PRIMARY KEY(`site_id`, `phone_index`)
);
--> statement-breakpoint
-- What the gate reads for a subject, computed from its rows: the subject, whether its number is suppressed (or carries
-- the erased-and-suppressed mark), and its latest consent. Every trigger below and the backfill copy this view.
CREATE VIEW gate_view AS
SELECT s.site_id, s.phone_index, s.id AS subject_id, s.masked, s.erased_at,
  (EXISTS (SELECT 1 FROM suppressions x WHERE x.site_id = s.site_id AND x.phone_index = s.phone_index)
    OR s.phone_index LIKE 'erased-suppressed:%') AS suppressed,
  c.id AS consent_id, c.status, c.renewal_required
FROM subjects s
LEFT JOIN consents c ON c.id = (SELECT c2.id FROM consents c2 WHERE c2.subject_id = s.id ORDER BY c2.requested_at DESC, c2.rowid DESC LIMIT 1);
--> statement-breakpoint
-- The send gate's row per subject, kept by triggers (worker/db/schema.ts, gateStates): each rewrites, from gate_view,
-- the row of the subject a statement touched, in that statement.
CREATE TRIGGER gate_states_subject_insert AFTER INSERT ON subjects BEGIN
    INSERT OR REPLACE INTO gate_states (site_id, phone_index, subject_id, masked, erased_at, suppressed, consent_id, status, renewal_required)
    SELECT site_id, phone_index, subject_id, masked, erased_at, suppressed, consent_id, status, renewal_required FROM gate_view
    WHERE subject_id = NEW.id;
END;
--> statement-breakpoint
CREATE TRIGGER gate_states_subject_update AFTER UPDATE OF site_id, phone_index, masked, erased_at ON subjects BEGIN
    DELETE FROM gate_states WHERE site_id = OLD.site_id AND phone_index = OLD.phone_index;
    INSERT OR REPLACE INTO gate_states (site_id, phone_index, subject_id, masked, erased_at, suppressed, consent_id, status, renewal_required)
    SELECT site_id, phone_index, subject_id, masked, erased_at, suppressed, consent_id, status, renewal_required FROM gate_view
    WHERE subject_id = NEW.id;
END;
--> statement-breakpoint
CREATE TRIGGER gate_states_subject_delete AFTER DELETE ON subjects BEGIN
    DELETE FROM gate_states WHERE site_id = OLD.site_id AND phone_index = OLD.phone_index;
END;
--> statement-breakpoint
CREATE TRIGGER gate_states_consent_insert AFTER INSERT ON consents BEGIN
    INSERT OR REPLACE INTO gate_states (site_id, phone_index, subject_id, masked, erased_at, suppressed, consent_id, status, renewal_required)
    SELECT site_id, phone_index, subject_id, masked, erased_at, suppressed, consent_id, status, renewal_required FROM gate_view
    WHERE subject_id = NEW.subject_id;
END;
--> statement-breakpoint
CREATE TRIGGER gate_states_consent_update AFTER UPDATE OF subject_id, status, renewal_required, requested_at ON consents BEGIN
    INSERT OR REPLACE INTO gate_states (site_id, phone_index, subject_id, masked, erased_at, suppressed, consent_id, status, renewal_required)
    SELECT site_id, phone_index, subject_id, masked, erased_at, suppressed, consent_id, status, renewal_required FROM gate_view
    WHERE subject_id IN (OLD.subject_id, NEW.subject_id);
END;
--> statement-breakpoint
CREATE TRIGGER gate_states_consent_delete AFTER DELETE ON consents BEGIN
    INSERT OR REPLACE INTO gate_states (site_id, phone_index, subject_id, masked, erased_at, suppressed, consent_id, status, renewal_required)
    SELECT site_id, phone_index, subject_id, masked, erased_at, suppressed, consent_id, status, renewal_required FROM gate_view
    WHERE subject_id = OLD.subject_id;
END;
--> statement-breakpoint
CREATE TRIGGER gate_states_suppression_insert AFTER INSERT ON suppressions BEGIN
    INSERT OR REPLACE INTO gate_states (site_id, phone_index, subject_id, masked, erased_at, suppressed, consent_id, status, renewal_required)
    SELECT site_id, phone_index, subject_id, masked, erased_at, suppressed, consent_id, status, renewal_required FROM gate_view
    WHERE site_id = NEW.site_id AND phone_index = NEW.phone_index;
END;
--> statement-breakpoint
CREATE TRIGGER gate_states_suppression_update AFTER UPDATE OF site_id, phone_index ON suppressions BEGIN
    INSERT OR REPLACE INTO gate_states (site_id, phone_index, subject_id, masked, erased_at, suppressed, consent_id, status, renewal_required)
    SELECT site_id, phone_index, subject_id, masked, erased_at, suppressed, consent_id, status, renewal_required FROM gate_view
    WHERE (site_id = OLD.site_id AND phone_index = OLD.phone_index) OR (site_id = NEW.site_id AND phone_index = NEW.phone_index);
END;
--> statement-breakpoint
CREATE TRIGGER gate_states_suppression_delete AFTER DELETE ON suppressions BEGIN
    INSERT OR REPLACE INTO gate_states (site_id, phone_index, subject_id, masked, erased_at, suppressed, consent_id, status, renewal_required)
    SELECT site_id, phone_index, subject_id, masked, erased_at, suppressed, consent_id, status, renewal_required FROM gate_view
    WHERE site_id = OLD.site_id AND phone_index = OLD.phone_index;
END;
--> statement-breakpoint
-- Backfill: every subject's row as the gate read it before.
INSERT OR REPLACE INTO gate_states (site_id, phone_index, subject_id, masked, erased_at, suppressed, consent_id, status, renewal_required)
SELECT site_id, phone_index, subject_id, masked, erased_at, suppressed, consent_id, status, renewal_required FROM gate_view;
