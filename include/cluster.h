/* cluster: online event clustering and story chaining, in memory.
 *
 * Pure computation, no I/O: the database layer (server/db/events.c) feeds it
 * each article in arrival order, persists its decisions and reloads the
 * events an old article may join; the evaluation feeds it a corpus directly.
 *
 * An article is a vector of stemmed terms, a set of linked entity ids and the
 * day of the happening it reports. It joins the best-scoring event among the
 * candidates the inverted index gives (events sharing an entity or a rare
 * term, with a happening day within the window), when the score reaches the
 * threshold; otherwise it opens a new event. The score (docs/events.md):
 *
 *   score = (w_terms * cos + w_entities * support) * date_factor
 *
 * cos is the TF-IDF cosine between the article and the event's centroid (IDF
 * maintained incrementally over every article observed), support the share of
 * the article's entity mass that the event's articles also mention, and
 * date_factor decays with the distance between the happening days.
 *
 * Deterministic: for one sequence of calls the decisions are the same
 * (candidates are visited in event id order, ties go to the lowest id).
 *
 * Not thread-safe: one owner calls it (the single clustering thread).
 */
#ifndef NEWSD_CLUSTER_H
#define NEWSD_CLUSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CLUSTER_NO_DAY INT32_MIN

struct cluster_term {
	uint32_t id; /* stable hash of the stem */
	float tf;    /* occurrences (title weighted) */
};

struct cluster_entity {
	int64_t id;   /* linked entity id: languages do not matter */
	float weight; /* mentions in the article (>= 1) */
};

/* One article, all borrowed. terms sorted by id, unique; entities unique. */
struct cluster_input {
	const struct cluster_term *terms;
	size_t n_terms;
	const struct cluster_entity *entities;
	size_t n_entities;
	int32_t day; /* happening day, days since 1970-01-01, or CLUSTER_NO_DAY */
};

struct cluster_params {
	double threshold;       /* join when score >= threshold */
	double w_terms;         /* weight of the term cosine */
	double w_entities;      /* weight of the entity support */
	int window_days;        /* candidates' happening day within +- window */
	double undated;         /* date_factor when either day is unknown */
	double story_threshold; /* chain two events into one story at this similarity */
	size_t max_events;      /* events kept in memory (oldest evicted) */
};

/* The documented defaults (docs/events.md), tuned on dev sets only. */
void cluster_params_default(struct cluster_params *p);

struct cluster;

struct cluster *cluster_new(const struct cluster_params *p);
void cluster_free(struct cluster *c);

/* Count the article's terms into the document frequencies (call once per
 * new article, before choosing). Returns 0 or -ENOMEM. */
int cluster_observe(struct cluster *c, const struct cluster_input *a);
/* Set a term's document frequency and the corpus size (reload at start). */
int cluster_df_set(struct cluster *c, uint32_t term, uint32_t df);
void cluster_df_total_set(struct cluster *c, uint64_t n_docs);
uint64_t cluster_df_total(const struct cluster *c);
/* Current document frequency of a term. */
uint32_t cluster_df(const struct cluster *c, uint32_t term);
/* Visit every term's document frequency (to save them), in no order. */
void cluster_df_foreach(const struct cluster *c, void (*fn)(uint32_t term, uint32_t df, void *ctx),
                        void *ctx);

struct cluster_choice {
	int64_t event;                    /* best event, or 0 when the article opens a new one */
	double score;                     /* of that event (0 when none) */
	double cos, support, date_factor; /* its parts, for provenance */
	size_t candidates;                /* events scored */
};

/* Choose the event the article joins, without changing anything. */
int cluster_choose(struct cluster *c, const struct cluster_input *a, struct cluster_choice *out);

/* Add the article to event id (created in memory when absent). n_articles is
 * how many articles a is worth: 1 for an article, the stored count when
 * reloading an event from its aggregate. Returns 0 or -ENOMEM. */
int cluster_add(struct cluster *c, int64_t event, const struct cluster_input *a, int n_articles);

/* Drop event id from memory (its aggregate is about to be rebuilt). */
void cluster_forget(struct cluster *c, int64_t event);

/* Keep event id in memory until cluster_unpin_all(): a batch's events must
 * still be there when it commits (their centroids are written from memory).
 * Memory may then exceed max_events by the events pinned. */
void cluster_pin(struct cluster *c, int64_t event);
void cluster_unpin_all(struct cluster *c);

/* Whether event id is in memory. */
bool cluster_has(const struct cluster *c, int64_t event);

/* The event's aggregate, to persist it or to reload it later: its top terms
 * (tf sums, by id) and entities (weights, by id), and its happening day
 * (the most reported one). Arrays stay owned by the cluster and valid until
 * the next call that changes it. Returns -ENOENT when not in memory. */
int cluster_event_view(const struct cluster *c, int64_t event, struct cluster_input *out,
                       int *n_articles);

/* Similarity of two events for story chaining (0..1): shared core
 * participants (their top entities) and topic (term cosine). */
double cluster_event_similarity(const struct cluster *c, int64_t a, int64_t b);

/* The earlier in-memory event whose story event should join (most similar
 * above story_threshold, sharing at least two core participants), or 0. */
int64_t cluster_story_candidate(const struct cluster *c, int64_t event);

/* The event's core participants (its most mentioned entities, named by a
 * good share of its articles), at most max; returns how many. */
size_t cluster_event_core(const struct cluster *c, int64_t event, int64_t *out, size_t max);

/* Whether an event that reached n articles should look for a story again
 * (its first choice saw one article): at 2, 3, 4, 8, 16, ... articles. */
static inline bool cluster_story_milestone(int n)
{
	return n == 2 || n == 3 || (n >= 4 && (n & (n - 1)) == 0);
}

/* Events in memory. */
size_t cluster_size(const struct cluster *c);

#endif
