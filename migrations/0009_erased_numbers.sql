-- An erased number keeps nothing that singles it out (worker/domain/erased-mark.ts). Subjects erased before: the
-- blind index is replaced by the row's id (tagged "erased-suppressed:" when the number was suppressed), and the
-- suppression under the full index becomes a mark of its first 16 bits, which about 1 in 65,536 numbers share.
-- The index rides along after the id for the next two statements only, then goes.
UPDATE subjects SET phone_index = CASE
    WHEN EXISTS (SELECT 1 FROM suppressions s WHERE s.site_id = subjects.site_id AND s.phone_index = subjects.phone_index)
    THEN 'erased-suppressed:' || id || ':' || phone_index
    ELSE 'erased:' || id
  END
  WHERE erased_at IS NOT NULL AND phone_index NOT LIKE 'erased%';
--> statement-breakpoint
INSERT INTO suppressions (site_id, phone_index, reason, at)
  SELECT j.site_id, 'erased:' || substr(s.phone_index, 1, 4), 'erased', s.at
  FROM subjects j JOIN suppressions s ON s.site_id = j.site_id AND j.phone_index = 'erased-suppressed:' || j.id || ':' || s.phone_index
  WHERE true
  ON CONFLICT DO NOTHING;
--> statement-breakpoint
DELETE FROM suppressions WHERE EXISTS (
  SELECT 1 FROM subjects j WHERE j.site_id = suppressions.site_id AND j.phone_index = 'erased-suppressed:' || j.id || ':' || suppressions.phone_index
);
--> statement-breakpoint
UPDATE subjects SET phone_index = 'erased-suppressed:' || id WHERE phone_index LIKE 'erased-suppressed:%:%';
