-- The consent the gate speaks of is the subject's latest consent in force (confirmed, or imported from the owner's
-- list), and only when it has none its latest consent. A new opt-in for a number already subscribed (its subscriber
-- forgetting, or anyone typing the number into a widget) opens a pending consent: it no longer hides the consent in
-- force, and its expiry no longer ends what the subscriber agreed to. A STOP withdraws every consent in force, so the
-- gate still tells a withdrawn number apart. The triggers of gate_states read this view; they stay as they are.
DROP VIEW gate_view;
--> statement-breakpoint
CREATE VIEW gate_view AS
SELECT s.site_id, s.phone_index, s.id AS subject_id, s.masked, s.erased_at,
  (EXISTS (SELECT 1 FROM suppressions x WHERE x.site_id = s.site_id AND x.phone_index = s.phone_index)
    OR s.phone_index LIKE 'erased-suppressed:%') AS suppressed,
  c.id AS consent_id, c.status, c.renewal_required
FROM subjects s
LEFT JOIN consents c ON c.id = (SELECT c2.id FROM consents c2 WHERE c2.subject_id = s.id
  ORDER BY c2.status IN ('confirmed', 'imported') DESC, c2.requested_at DESC, c2.rowid DESC LIMIT 1);
--> statement-breakpoint
-- Backfill: the rows this changes, those of subjects with more than one consent.
INSERT OR REPLACE INTO gate_states (site_id, phone_index, subject_id, masked, erased_at, suppressed, consent_id, status, renewal_required)
SELECT site_id, phone_index, subject_id, masked, erased_at, suppressed, consent_id, status, renewal_required FROM gate_view
WHERE subject_id IN (SELECT subject_id FROM consents GROUP BY subject_id HAVING COUNT(*) > 1);
