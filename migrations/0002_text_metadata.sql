-- Issue 3: article metadata from the page, dates mentioned, near duplicates.

ALTER TABLE articles
	ADD COLUMN canonical_url text,
	ADD COLUMN author text,
	-- MinHash signature of the body's word 3-shingles (64 x 32-bit, big
	-- endian): the share of equal values estimates the Jaccard similarity.
	ADD COLUMN minhash bytea;

-- Locality-sensitive hashing over the signature: 16 bands of 4 values, each
-- hashed to one key. Texts sharing a key are near-duplicate candidates (for
-- Jaccard 0.7 the chance to share at least one is 0.98), checked against the
-- whole signature; each key is an index probe, never a scan.
CREATE TABLE article_minhash_bands (
	band smallint NOT NULL,
	key bigint NOT NULL,
	article_id bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	PRIMARY KEY (band, key, article_id)
);
CREATE INDEX article_minhash_bands_article ON article_minhash_bands (article_id);
CREATE INDEX articles_duplicate_of ON articles (duplicate_of) WHERE duplicate_of IS NOT NULL;

-- Every date expression of an article's body: its span (in characters, as
-- clients index strings), its text, and its value when resolved (relative
-- ones need a publication date). Events use these to date what the articles
-- report.
CREATE TABLE article_dates (
	article_id bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	start_offset integer NOT NULL,
	end_offset integer NOT NULL,
	text text NOT NULL,
	value date,
	precision text CHECK (precision IN ('day', 'month', 'year')),
	relative boolean NOT NULL,
	PRIMARY KEY (article_id, start_offset),
	CHECK ((value IS NULL) = (precision IS NULL))
);
CREATE INDEX article_dates_value ON article_dates (value) WHERE value IS NOT NULL;
