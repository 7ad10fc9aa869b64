-- newsd schema, foundation. Applied once by `newsd migrate`, inside one
-- transaction with its schema_migrations row.

CREATE EXTENSION IF NOT EXISTS unaccent;
-- Trigram indexes serve entity searches by the prefix of any word of a name.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Full-text search: one configuration per language, each folding accents
-- (so "Elysee" finds "Élysée") before its Snowball stemmer. Articles in a
-- language without a stemmer use newsd_simple.
CREATE TEXT SEARCH CONFIGURATION newsd_simple (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION newsd_simple
	ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;

CREATE TABLE ts_languages (
	lang text PRIMARY KEY,
	config regconfig NOT NULL
);

DO $$
DECLARE
	l record;
BEGIN
	FOR l IN SELECT * FROM (VALUES
		('ar', 'arabic'), ('da', 'danish'), ('de', 'german'), ('el', 'greek'),
		('en', 'english'), ('es', 'spanish'), ('fi', 'finnish'), ('fr', 'french'),
		('hu', 'hungarian'), ('id', 'indonesian'), ('ga', 'irish'), ('it', 'italian'),
		('lt', 'lithuanian'), ('ne', 'nepali'), ('nl', 'dutch'), ('no', 'norwegian'),
		('nb', 'norwegian'), ('pt', 'portuguese'), ('ro', 'romanian'), ('ru', 'russian'),
		('sv', 'swedish'), ('ta', 'tamil'), ('tr', 'turkish'), ('hy', 'armenian'),
		('eu', 'basque'), ('ca', 'catalan'), ('hi', 'hindi'), ('sr', 'serbian'),
		('yi', 'yiddish')) AS v(lang, stem)
	LOOP
		-- Some stemmers (armenian, basque, ...) only exist in newer servers.
		CONTINUE WHEN NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = l.stem);
		IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'newsd_' || l.stem) THEN
		EXECUTE format('CREATE TEXT SEARCH CONFIGURATION %I (COPY = %I)', 'newsd_' || l.stem, l.stem);
		EXECUTE format('ALTER TEXT SEARCH CONFIGURATION %I ALTER MAPPING FOR hword, hword_part, word WITH unaccent, %I',
			'newsd_' || l.stem, l.stem || '_stem');
		END IF;
		INSERT INTO ts_languages VALUES (l.lang, ('newsd_' || l.stem)::regconfig);
	END LOOP;
END
$$;

-- The configuration for an article's language; newsd_simple when unknown.
CREATE FUNCTION newsd_ts_config(lang text) RETURNS regconfig
LANGUAGE sql STABLE AS $$
	SELECT coalesce((SELECT config FROM ts_languages t WHERE t.lang = $1),
	                'newsd_simple'::regconfig)
$$;

-- A search in every configuration at once, ORed: an index-usable tsquery for
-- readers who do not say which language to search in.
CREATE FUNCTION newsd_query_all(q text) RETURNS tsquery
LANGUAGE plpgsql STABLE AS $$
DECLARE
	result tsquery := websearch_to_tsquery('newsd_simple', q);
	part tsquery;
BEGIN
	FOR part IN SELECT DISTINCT websearch_to_tsquery(config, q) FROM ts_languages LOOP
		IF part::text <> result::text THEN
			result := result || part;
		END IF;
	END LOOP;
	RETURN result;
END
$$;

-- Timestamps in API responses: UTC, milliseconds, a Z.
CREATE FUNCTION newsd_iso(t timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
$$;

CREATE TABLE sources (
	id bigserial PRIMARY KEY,
	name text NOT NULL UNIQUE,
	domain text,
	created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE events (
	id bigserial PRIMARY KEY,
	title text,
	kind text,
	event_date date,
	event_date_precision text CHECK (event_date_precision IN ('day', 'month', 'year')),
	location_id bigint,
	article_count integer NOT NULL DEFAULT 0,
	first_published timestamptz NOT NULL,
	last_published timestamptz NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_last_published ON events (last_published, id);

CREATE TABLE articles (
	id bigserial PRIMARY KEY,
	url text UNIQUE,
	content_hash text NOT NULL UNIQUE,
	simhash bigint NOT NULL,
	source_id bigint REFERENCES sources (id),
	agency text,
	title text,
	body text NOT NULL,
	lang text,
	lang_confidence real NOT NULL DEFAULT 0,
	ts_config regconfig NOT NULL,
	published_at timestamptz,
	published_at_origin text CHECK (published_at_origin IN ('given', 'metadata', 'text')),
	published_at_precision text CHECK (published_at_precision IN ('day', 'month', 'year')),
	ingested_at timestamptz NOT NULL DEFAULT now(),
	word_count integer NOT NULL DEFAULT 0,
	duplicate_of bigint REFERENCES articles (id),
	event_id bigint REFERENCES events (id),
	raw jsonb NOT NULL,
	tsv tsvector GENERATED ALWAYS AS
		(to_tsvector(ts_config, coalesce(title, '') || E'\n' || body)) STORED,
	CHECK ((published_at IS NULL) = (published_at_origin IS NULL)),
	CHECK ((published_at IS NULL) = (published_at_precision IS NULL))
);
CREATE INDEX articles_tsv ON articles USING gin (tsv);
CREATE INDEX articles_event ON articles (event_id, id);
CREATE INDEX articles_lang ON articles (lang, id);
CREATE INDEX articles_published ON articles (published_at, id);

CREATE TABLE entities (
	id bigserial PRIMARY KEY,
	kind text NOT NULL CHECK (kind IN ('person', 'location', 'organization', 'other')),
	name text NOT NULL,
	norm_name text NOT NULL,
	external_id text,
	country text,
	latitude double precision,
	longitude double precision,
	mention_count bigint NOT NULL DEFAULT 0,
	article_count bigint NOT NULL DEFAULT 0,
	first_seen timestamptz NOT NULL DEFAULT now(),
	last_seen timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX entities_kind ON entities (kind, id);

-- Normalised alias -> entity. norm is text_normalize_key() of a surface form:
-- case-folded, accents stripped, so lookups are exact on norm; searches by
-- the prefix of any word ("pout" finds "vladimir poutine") use the trigram
-- index.
CREATE TABLE entity_aliases (
	norm text NOT NULL,
	entity_id bigint NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
	lang text NOT NULL DEFAULT '',
	PRIMARY KEY (norm, entity_id)
);
CREATE INDEX entity_aliases_trgm ON entity_aliases USING gin (norm gin_trgm_ops);
CREATE INDEX entity_aliases_entity ON entity_aliases (entity_id);

CREATE TABLE mentions (
	article_id bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	entity_id bigint NOT NULL REFERENCES entities (id),
	count integer NOT NULL,
	first_offset integer NOT NULL,
	surface text NOT NULL,
	PRIMARY KEY (article_id, entity_id)
);
CREATE INDEX mentions_entity ON mentions (entity_id, article_id);

CREATE TABLE event_entities (
	event_id bigint NOT NULL REFERENCES events (id) ON DELETE CASCADE,
	entity_id bigint NOT NULL REFERENCES entities (id),
	weight integer NOT NULL DEFAULT 0,
	PRIMARY KEY (event_id, entity_id)
);
CREATE INDEX event_entities_entity ON event_entities (entity_id, event_id);

CREATE TABLE stories (
	id bigserial PRIMARY KEY,
	title text,
	created_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE events ADD COLUMN story_id bigint REFERENCES stories (id);

-- The durable queue. A job's items are committed before 202 is sent.
CREATE TABLE jobs (
	id bigserial PRIMARY KEY,
	total integer NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	cancelled_at timestamptz
);

-- Processes that claim items announce themselves here; an item whose
-- claimer's heartbeat is older than the lease goes back to the queue.
CREATE TABLE workers (
	id text PRIMARY KEY,
	started_at timestamptz NOT NULL DEFAULT now(),
	heartbeat_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE job_items (
	job_id bigint NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
	idx integer NOT NULL,
	status text NOT NULL DEFAULT 'queued'
		CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
	input text NOT NULL,
	attempts integer NOT NULL DEFAULT 0,
	claimed_by text,
	claimed_at timestamptz,
	not_before timestamptz, -- retry backoff: not claimed before this time
	article_id bigint REFERENCES articles (id),
	error text,
	finished_at timestamptz,
	PRIMARY KEY (job_id, idx)
);
CREATE INDEX job_items_queued ON job_items (job_id, idx) WHERE status = 'queued';
CREATE INDEX job_items_running ON job_items (claimed_by) WHERE status = 'running';

CREATE TABLE api_keys (
	id bigserial PRIMARY KEY,
	key_sha256 text NOT NULL UNIQUE,
	label text,
	created_at timestamptz NOT NULL DEFAULT now()
);
