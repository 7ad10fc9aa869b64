/* text: the article pipeline as pure functions over an in-memory document.
 *
 * No I/O after text_init(), no database, no HTTP: every stage is unit-testable.
 * The stages follow DESIGN.md: decode -> clean -> language -> dates -> entities.
 * Linking, dedup and clustering need the database and live in ingest/ and db/.
 *
 * Thread safety: text_init() once before any thread uses the module,
 * text_shutdown() once after they are done; text_process() may then run on
 * any number of threads at once.
 */
#ifndef NEWSD_TEXT_H
#define NEWSD_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum text_entity_kind {
	TEXT_ENTITY_OTHER = 0,
	TEXT_ENTITY_PERSON,
	TEXT_ENTITY_LOCATION,
	TEXT_ENTITY_ORGANIZATION,
};

/* How much of a date is known. */
enum text_precision {
	TEXT_PRECISION_NONE = 0,
	TEXT_PRECISION_YEAR,
	TEXT_PRECISION_MONTH,
	TEXT_PRECISION_DAY,
};

/* A calendar day (proleptic Gregorian); a part is 0 when unknown. */
struct text_day {
	int year, month, day;
};

/* A date expression found in the body ("le 16 juillet", "mardi", "hier",
 * "la semaine dernière", "March 20, 2018", "2018-03-20"). */
struct text_date {
	int start, end;                /* byte span of the expression in the body */
	struct text_day value;         /* resolved value; parts beyond precision are 0 */
	enum text_precision precision; /* of the value */
	bool relative;                 /* needs a reference date (weekday, "hier", ...) */
	bool resolved;                 /* value is known at its precision */
};

/* What the caller knows about an article: all borrowed, any may be NULL
 * except that exactly one of text and html must be set. */
struct text_input {
	const char *text;             /* plain text, UTF-8 (not yet validated) */
	const char *html;             /* HTML page, UTF-8 (not yet validated) */
	const char *title;            /* given title, overrides detection */
	const char *lang;             /* given language (BCP 47), overrides detection */
	const char *published_at;     /* given, already validated ISO 8601: copied through */
	const char *url;              /* given URL (source from its domain when nothing else) */
	const char *source;           /* given publisher name: overrides detection */
	const struct text_day *today; /* ingestion day: bounds years inferred from text */
};

/* MinHash signature size, and the LSH bands it is cut into for lookups:
 * 16 bands of 4 values make two texts with Jaccard similarity 0.7 share a
 * band with probability 0.98, and texts at 0.2 with probability 0.03. */
#define TEXT_MINHASH_K 64
#define TEXT_MINHASH_BANDS 16

/* One mention of an entity: its byte span in the body. */
struct text_mention {
	int start, end;
};

/* One entity found in the body: its mentions after in-document coreference
 * ("M. Ouchakov" and "Ouchakov" join "Iouri Ouchakov"). */
struct text_entity {
	char *name;                    /* best surface form (the fullest seen), owned */
	char *key;                     /* text_normalize_key(name), owned */
	enum text_entity_kind kind;    /* OTHER when nothing says better */
	int count;                     /* number of mentions in the body */
	int first_offset;              /* byte offset in body of the first mention */
	struct text_mention *mentions; /* every mention, by start; owned */
	size_t n_mentions;             /* == count */
	char **forms;                  /* distinct normalised keys of the surface forms,
	                                * name's key first: what linking looks up; owned */
	size_t n_forms;
};

/* ---- event features (issue 5): what event clustering consumes ---- */

/* One stemmed term of an article: id is the 32-bit FNV-1a hash of the
 * Snowball stem (UTF-8, lower case), stable across runs and machines; two
 * stems with the same hash are one term (collisions accepted). tf counts the
 * body's occurrences plus TEXT_TERM_TITLE_WEIGHT per title occurrence. */
struct text_term {
	uint32_t id;
	float tf;
};

#define TEXT_MAX_TERMS 200       /* the highest-tf terms kept (ties: lower id) */
#define TEXT_TERM_TITLE_WEIGHT 2 /* a title occurrence counts this many times */

/* What kind of happening an article reports (data/events/kinds.tsv). */
enum text_event_kind {
	TEXT_EVENT_OTHER = 0,
	TEXT_EVENT_MEETING,
	TEXT_EVENT_VISIT,
	TEXT_EVENT_CALL,
	TEXT_EVENT_STATEMENT,
	TEXT_EVENT_NEGOTIATION,
	TEXT_EVENT_AGREEMENT,
	TEXT_EVENT_ELECTION,
	TEXT_EVENT_PROTEST,
	TEXT_EVENT_ATTACK,
	TEXT_EVENT_MILITARY,
	TEXT_EVENT_DISASTER,
	TEXT_EVENT_LEGAL,
	TEXT_EVENT_ECONOMIC,
	TEXT_EVENT_SPORTS,
	TEXT_EVENT_HEALTH,
	TEXT_EVENT_KINDS /* count */
};

/* A byte span in the doc's title (title true) or body; -1/-1 when none. */
struct text_span {
	int start, end;
	bool title;
};

/* A participant's role where the text says it: span of the name as written
 * in the body next to the trigger ("Poutine a reçu Trump": Poutine host,
 * Trump guest). role: "host", "guest", "caller" or "callee" (static). */
struct text_role {
	int start, end;
	const char *role;
};

/* The pipeline's result. Every pointer is owned by the doc; text_doc_release()
 * frees them all. A field the pipeline cannot determine stays NULL / 0. */
struct text_doc {
	char *title;                  /* given or detected; NULL when none */
	char *body;                   /* clean body: paragraphs joined by "\n\n", NFC */
	char *lang;                   /* ISO 639-1 (or 639-3 when no 1) code; NULL when unsure */
	double lang_confidence;       /* 0..1; 0 when lang is NULL */
	char *published_at;           /* ISO 8601 (date or date-time) or NULL: given, else from
	                               * HTML metadata (unvalidated), else from the text
	                               * ("YYYY-MM-DD" or "YYYY-MM") */
	const char *published_origin; /* "given", "metadata", "text" or NULL (static string) */
	char *canonical_url;          /* from HTML metadata */
	char *site_name;              /* from HTML metadata (og:site_name, JSON-LD publisher) */
	char *author;                 /* from HTML metadata or a byline */
	char *source;                 /* publisher: given, metadata, credit line, else URL domain */
	char *agency;                 /* wire agency credited ("AFP", "Reuters", "AP", ...) */
	struct text_date *dates;      /* date expressions in the body, by start offset */
	size_t n_dates;
	char content_hash[65];            /* lowercase hex SHA-256 of body */
	uint64_t simhash;                 /* 64-bit SimHash of body word shingles */
	uint32_t minhash[TEXT_MINHASH_K]; /* MinHash signature of the same shingles */
	int word_count;                   /* words in body */
	struct text_entity *entities;     /* sorted by count desc, then first_offset */
	size_t n_entities;
	/* Event features (issue 5; docs/events.md). */
	struct text_term *terms; /* stemmed term vector, by id; at most TEXT_MAX_TERMS */
	size_t n_terms;
	enum text_event_kind event_kind;      /* TEXT_EVENT_OTHER when no trigger */
	double event_kind_score;              /* 0..1 confidence; 0 for OTHER */
	struct text_span event_kind_evidence; /* the deciding trigger; -1/-1 when none */
	struct text_day event_date;           /* what the article reports happened when */
	enum text_precision event_date_precision;
	struct text_span event_date_evidence; /* the date expression; -1/-1 from published_at */
	const char *event_date_origin;        /* "text", "published" or NULL (static string) */
	struct text_role *roles;              /* participant roles, by start; owned */
	size_t n_roles;
};

#define TEXT_DOC_INIT ((struct text_doc){0})

/* Load the language profiles and the HTML parser. langid_conf: an
 * exttextcat-format fpdb.conf listing n-gram profiles (NULL: the one of
 * Debian's libexttextcat-data). Returns 0 or -errno (-ENOENT when profiles
 * are absent). */
int text_init(const char *langid_conf);
void text_shutdown(void);

/* Run every stage. On failure returns -EINVAL (bad input: invalid UTF-8, no
 * text left after cleaning, both or neither of text/html) or -ENOMEM, and sets
 * *why to a static human-readable reason (never NULL on failure). */
int text_process(const struct text_input *in, struct text_doc *out, const char **why);
void text_doc_release(struct text_doc *doc);

/* Individual stages, exposed for tests and for callers that need one. */
bool text_utf8_valid(const char *s, size_t len);
/* NFC-normalise; returns a new string or NULL on invalid UTF-8 / ENOMEM. */
char *text_nfc(const char *s);
/* Normalised key of a name: NFKC, case-folded, marks stripped, typographic
 * apostrophes as ', Cyrillic and Greek transliterated to Latin (a simple
 * BGN/PCGN-like table: "Путин" -> "putin", "й" -> "y"), Latin letters
 * without a decomposition folded ("ø" -> "o", "ł" -> "l", "æ" -> "ae",
 * "œ" -> "oe", "đ" -> "d", "ß" -> "ss"), inner whitespace collapsed. New
 * string, or NULL on ENOMEM/invalid UTF-8. */
char *text_normalize_key(const char *s);
/* Language of a text: returns 0 and sets lang (static string) and confidence,
 * -ENOENT when no reliable answer (lang NULL, confidence 0), or -ENOMEM. */
int text_detect_lang(const char *s, size_t len, const char **lang, double *confidence);
uint64_t text_simhash(const char *body);
/* Estimated Jaccard similarity of two MinHash signatures (0..1). */
double text_minhash_similarity(const uint32_t *a, const uint32_t *b);
/* The signature's band keys (TEXT_MINHASH_BANDS non-negative values). */
void text_minhash_bands(const uint32_t *sig, int64_t *bands);
int text_hamming64(uint64_t a, uint64_t b);
const char *text_entity_kind_name(enum text_entity_kind kind);
/* "meeting", "visit", ..., "other" (static). */
const char *text_event_kind_name(enum text_event_kind kind);
/* TF-IDF cosine (0..1) of two term vectors sorted by id: weight of a term
 * (1 + ln tf) * idf(id, ctx); idf NULL weighs every term 1. 0 when either
 * vector is empty or has no weight. */
double text_terms_cosine(const struct text_term *a, size_t na, const struct text_term *b, size_t nb,
                         double (*idf)(uint32_t id, void *ctx), void *ctx);

#endif
