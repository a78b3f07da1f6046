-- Exports (issue 6): each incident's ACLED CSV fields that depend on the
-- incident alone, CSV-encoded by the engine when the incident is recorded, and
-- each ruling's guarantors, so a CSV export reads a few short columns instead
-- of parsing JSON. ex_version names the encoding: rows recorded before this
-- migration (NULL) or with another encoding are exported from the JSON body.
-- Prefixed ex_ to stay clear of other areas.
ALTER TABLE incidents ADD COLUMN ex_version INTEGER;
ALTER TABLE incidents ADD COLUMN ex_head TEXT;
ALTER TABLE incidents ADD COLUMN ex_tail TEXT;
ALTER TABLE rulings ADD COLUMN ex_guarantors TEXT;
