/* What the clustering needs from an article, ready to store: the event
 * features of the text pipeline with their spans in characters. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "internal.h"
#include "text.h"

int ingest_char_offset(struct char_cursor *cur, int byte)
{
	if (byte < cur->byte) {
		cur->byte = 0;
		cur->chars = 0;
	}
	for (; cur->byte < byte && cur->s[cur->byte]; cur->byte++)
		cur->chars += ((unsigned char)cur->s[cur->byte] & 0xc0) != 0x80;
	return cur->chars;
}

static const char *precision_name(enum text_precision p)
{
	return p == TEXT_PRECISION_DAY     ? "day"
	       : p == TEXT_PRECISION_MONTH ? "month"
	       : p == TEXT_PRECISION_YEAR  ? "year"
	                                   : NULL;
}

void ingest_features_release(struct db_features *f)
{
	free(f->roles);
	memset(f, 0, sizeof(*f));
}

int ingest_features_build(const struct text_doc *doc, struct db_features *f)
{
	struct char_cursor body = {doc->body, 0, 0};
	size_t i;

	memset(f, 0, sizeof(*f));
	f->kind_start = f->kind_end = f->happened_start = f->happened_end = -1;
	if (doc->event_kind != TEXT_EVENT_OTHER && doc->event_kind_evidence.start >= 0) {
		const struct text_span *sp = &doc->event_kind_evidence;
		struct char_cursor title = {doc->title ? doc->title : "", 0, 0};
		struct char_cursor *c = sp->title ? &title : &body;

		f->kind = text_event_kind_name(doc->event_kind);
		f->kind_score = doc->event_kind_score;
		f->kind_in_title = sp->title;
		f->kind_start = ingest_char_offset(c, sp->start);
		f->kind_end = ingest_char_offset(c, sp->end);
		body = (struct char_cursor){doc->body, 0, 0};
	}
	if (doc->event_date_precision != TEXT_PRECISION_NONE && doc->event_date.year) {
		snprintf(f->happened_buf, sizeof(f->happened_buf), "%04d-%02d-%02d",
		         doc->event_date.year, doc->event_date.month ? doc->event_date.month : 1,
		         doc->event_date.day ? doc->event_date.day : 1);
		f->happened_on = f->happened_buf;
		f->happened_precision = precision_name(doc->event_date_precision);
		f->happened_origin = doc->event_date_origin;
		/* A span in the title has no place in the body's offsets. */
		if (doc->event_date_evidence.start >= 0 && !doc->event_date_evidence.title) {
			f->happened_start =
			        ingest_char_offset(&body, doc->event_date_evidence.start);
			f->happened_end = ingest_char_offset(&body, doc->event_date_evidence.end);
		}
	}
	if (doc->n_roles) {
		f->roles = calloc(doc->n_roles, sizeof(*f->roles));
		if (!f->roles)
			return -ENOMEM;
		body = (struct char_cursor){doc->body, 0, 0};
		for (i = 0; i < doc->n_roles; i++) {
			f->roles[i].start = ingest_char_offset(&body, doc->roles[i].start);
			f->roles[i].end = ingest_char_offset(&body, doc->roles[i].end);
			f->roles[i].role = doc->roles[i].role;
		}
		f->n_roles = doc->n_roles;
	}
	return 0;
}
