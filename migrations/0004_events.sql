-- Issue 5: events clustered from article features, with provenance; stories;
-- curation history. docs/events.md describes the design.

-- What the text says about the happening an article reports. Spans are in
-- characters of the body (title_span: of the title) so a client can check.
ALTER TABLE articles
	-- Stemmed term vector: (uint32 id, float32 tf) pairs, big endian, by id.
	ADD COLUMN terms bytea,
	ADD COLUMN event_kind text,
	ADD COLUMN event_kind_score real,
	ADD COLUMN event_kind_start integer,
	ADD COLUMN event_kind_end integer,
	ADD COLUMN event_kind_in_title boolean,
	ADD COLUMN happened_on date,
	ADD COLUMN happened_precision text CHECK (happened_precision IN ('day', 'month', 'year')),
	ADD COLUMN happened_origin text CHECK (happened_origin IN ('text', 'published')),
	ADD COLUMN happened_start integer,
	ADD COLUMN happened_end integer,
	-- Set once the clustering has placed the article (event_id is then set).
	ADD COLUMN clustered_at timestamptz;
-- Articles stored before this migration count as placed.
UPDATE articles SET clustered_at = ingested_at WHERE event_id IS NOT NULL;
CREATE INDEX articles_unclustered ON articles (id) WHERE clustered_at IS NULL;

-- Participant roles the text states ("X a reçu Y": X host, Y guest).
CREATE TABLE article_roles (
	article_id bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	entity_id bigint NOT NULL REFERENCES entities (id),
	role text NOT NULL CHECK (role IN ('host', 'guest', 'caller', 'callee')),
	start_offset integer NOT NULL,
	end_offset integer NOT NULL,
	PRIMARY KEY (article_id, start_offset)
);
CREATE INDEX article_roles_entity ON article_roles (entity_id);

ALTER TABLE events
	-- The clustering's aggregate, reloaded on restart: centroid terms
	-- (uint32 id, float32 tf sum) pairs, big endian, by id.
	ADD COLUMN centroid bytea,
	ADD COLUMN source_count integer NOT NULL DEFAULT 0,
	ADD COLUMN lang_count integer NOT NULL DEFAULT 0,
	-- Titles per language: {"fr": {"title": ..., "article_id": ...}, ...}.
	ADD COLUMN titles jsonb NOT NULL DEFAULT '{}',
	ADD COLUMN kind_article_id bigint REFERENCES articles (id) ON DELETE SET NULL,
	ADD COLUMN date_origin text CHECK (date_origin IN ('text', 'published')),
	ADD COLUMN date_article_id bigint REFERENCES articles (id) ON DELETE SET NULL,
	ADD COLUMN location_article_id bigint REFERENCES articles (id) ON DELETE SET NULL,
	-- article_count when the derived fields were last computed.
	ADD COLUMN derived_count integer NOT NULL DEFAULT 0,
	-- A curator merged this event into another: reads redirect.
	ADD COLUMN merged_into bigint REFERENCES events (id),
	-- A curator merged or split it: re-clustering keeps its articles.
	ADD COLUMN curated boolean NOT NULL DEFAULT false;
CREATE INDEX events_date ON events (event_date, id) WHERE merged_into IS NULL;
CREATE INDEX events_size ON events (article_count, id) WHERE merged_into IS NULL;
CREATE INDEX events_story ON events (story_id, event_date);
CREATE INDEX events_kind ON events (kind, id);
CREATE INDEX events_location ON events (location_id);
CREATE INDEX articles_event_lang ON articles (event_id, lang);

ALTER TABLE event_entities
	-- 'host', 'guest', 'caller', 'callee' when the articles say so.
	ADD COLUMN role text,
	-- Articles of the event naming the entity (weight stays the mentions).
	ADD COLUMN articles integer NOT NULL DEFAULT 0;

ALTER TABLE stories
	ADD COLUMN event_count integer NOT NULL DEFAULT 0,
	ADD COLUMN first_date date,
	ADD COLUMN last_date date,
	ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX stories_last_date ON stories (last_date, id);

-- Curation and re-clustering history of an event, readable by users.
CREATE TABLE event_history (
	id bigserial PRIMARY KEY,
	event_id bigint NOT NULL REFERENCES events (id),
	action text NOT NULL CHECK (action IN ('merge', 'merged_into', 'split', 'split_from', 'recluster')),
	other_event_id bigint REFERENCES events (id),
	article_ids bigint[] NOT NULL DEFAULT '{}',
	at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX event_history_event ON event_history (event_id, id);

-- The clustering's corpus statistics: document frequencies of terms as one
-- snapshot (uint32 id, uint32 df pairs, big endian), saved every few
-- seconds by the clustering leader; a lost increment only nudges an IDF.
CREATE TABLE cluster_state (
	id integer PRIMARY KEY CHECK (id = 1),
	n_docs bigint NOT NULL DEFAULT 0,
	df bytea NOT NULL DEFAULT '',
	-- Bumped by every curation or re-clustering request: the leader then
	-- reloads its in-memory events from the database.
	generation bigint NOT NULL DEFAULT 0,
	saved_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO cluster_state (id) VALUES (1);
