-- Issue 4: entities with knowledge behind them. A knowledge base (Wikidata
-- dump format: the shipped default one, or a user's import) brings QIDs,
-- names per language and aliases; articles bring mentions with their spans;
-- curators merge duplicates, leaving a redirect.

ALTER TABLE entities
	-- Wikidata id ("Q7747") when known: from a knowledge base, never guessed.
	ADD COLUMN qid text,
	ADD COLUMN description text,
	-- How well known the entity is (sitelinks of a Wikidata item, population
	-- rank of a place): breaks ties when an alias names several entities.
	ADD COLUMN notability integer NOT NULL DEFAULT 0,
	-- 'kb' when a knowledge base created it, 'text' when an article did.
	ADD COLUMN origin text NOT NULL DEFAULT 'text' CHECK (origin IN ('text', 'kb')),
	-- Set when a curator merged this entity into another: reads redirect.
	ADD COLUMN merged_into bigint REFERENCES entities (id),
	ADD CONSTRAINT entities_not_self_merged CHECK (merged_into <> id);
CREATE UNIQUE INDEX entities_qid ON entities (qid) WHERE qid IS NOT NULL;
CREATE INDEX entities_by_mentions ON entities (mention_count DESC, id DESC)
	WHERE merged_into IS NULL;
CREATE INDEX entities_by_recency ON entities (last_seen DESC, id DESC)
	WHERE merged_into IS NULL;
CREATE INDEX entities_merged_into ON entities (merged_into) WHERE merged_into IS NOT NULL;
-- Knowledge-base entities no article mentions yet start unseen.
ALTER TABLE entities ALTER COLUMN first_seen DROP NOT NULL,
	ALTER COLUMN last_seen DROP NOT NULL;

-- The entity's name in each language (its Wikidata label, or the form an
-- article in that language used first).
CREATE TABLE entity_labels (
	entity_id bigint NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
	lang text NOT NULL,
	name text NOT NULL,
	PRIMARY KEY (entity_id, lang)
);

-- Aliases now keep their language and the surface form as written, so one
-- normalised form may be an alias in several languages.
ALTER TABLE entity_aliases ADD COLUMN name text;
ALTER TABLE entity_aliases DROP CONSTRAINT entity_aliases_pkey;
ALTER TABLE entity_aliases ADD PRIMARY KEY (norm, entity_id, lang);

-- Every mention's span in the body, in characters (as clients index
-- strings): a flat array of start, end pairs ordered by start.
ALTER TABLE mentions ADD COLUMN spans integer[] NOT NULL DEFAULT '{}';

-- Knowledge bases imported, so the default one is loaded once per version.
CREATE TABLE kb_imports (
	id bigserial PRIMARY KEY,
	name text NOT NULL,
	sha256 text NOT NULL,
	entities integer NOT NULL DEFAULT 0,
	started_at timestamptz NOT NULL DEFAULT now(),
	finished_at timestamptz,
	UNIQUE (name, sha256)
);
