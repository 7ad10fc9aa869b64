-- GET /articles?source=&agency= (issue 6): both compare case-insensitively,
-- newest first. source names a row of sources (lower(name) = lower($n));
-- agency is the article's own column.
CREATE INDEX sources_lower_name ON sources (lower(name));
CREATE INDEX articles_source ON articles (source_id, id);
CREATE INDEX articles_agency ON articles (lower(agency), id);
