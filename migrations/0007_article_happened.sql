-- Re-clustering a period (POST /events/recluster) takes the articles of the
-- events dated in it (events_date) and the articles whose own happening day
-- is in it: without this index that second half read every article.
CREATE INDEX articles_happened ON articles (happened_on) WHERE happened_on IS NOT NULL;
