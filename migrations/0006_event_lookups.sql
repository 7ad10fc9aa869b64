-- Lookups of the event clustering and curation that scanned every event as
-- the corpus grew (issue 5):
-- merges re-point the events merged into the source, and re-clustering asks
-- of each event it empties whether others were merged into it;
CREATE INDEX events_merged_into ON events (merged_into) WHERE merged_into IS NOT NULL;
-- each load of the clustering leader pages through the events whose centroid
-- a curation dropped (usually none);
CREATE INDEX events_stale ON events (id) WHERE centroid IS NULL AND merged_into IS NULL;
-- deleting emptied events clears the history entries naming them.
CREATE INDEX event_history_other ON event_history (other_event_id) WHERE other_event_id IS NOT NULL;
