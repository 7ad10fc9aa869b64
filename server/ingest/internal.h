/* ingest module internals: shared by the files of server/ingest/ only. */
#ifndef NEWSD_INGEST_INTERNAL_H
#define NEWSD_INGEST_INTERNAL_H

struct db_pool;
struct clusterer;

/* Byte offsets of the pipeline to character offsets (code points), as
 * clients index strings: a cursor over one string that moves forward from
 * where the last conversion ended (and restarts when asked for an earlier
 * offset), so increasing offsets cost one pass. */
struct char_cursor {
	const char *s;
	int byte, chars;
};
int ingest_char_offset(struct char_cursor *cur, int byte);

/* The event features of doc, spans in characters (features.c). 0 or
 * -ENOMEM; release with ingest_features_release(). */
struct db_features;
struct text_doc;
int ingest_features_build(const struct text_doc *doc, struct db_features *f);
void ingest_features_release(struct db_features *f);

/* Start the clustering thread (server/ingest/clusterer.c): it competes for
 * the leader lock and, while it holds it, places stored articles into
 * events. */
int clusterer_start(struct db_pool *pool, struct clusterer **out);
/* Articles were stored: look for work now (any thread). */
void clusterer_wake(struct clusterer *k);
/* Save the document frequencies, give the lead up, join the thread. */
void clusterer_stop(struct clusterer *k);

#endif
