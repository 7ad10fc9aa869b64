/* strbuf: a growable NUL-terminated byte buffer (git's strbuf). buf is never
 * NULL; strbuf_detach() is the one way to take the bytes out. */
#ifndef NEWSD_STRBUF_H
#define NEWSD_STRBUF_H

#include <stddef.h>

struct strbuf {
	char *buf;
	size_t len;
	size_t alloc;
};

#define STRBUF_INIT ((struct strbuf){0})

void strbuf_init(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);
/* Ensure room for extra more bytes; 0 or -ENOMEM. */
int strbuf_grow(struct strbuf *sb, size_t extra);
int strbuf_add(struct strbuf *sb, const void *data, size_t len);
int strbuf_addstr(struct strbuf *sb, const char *s);
int strbuf_addch(struct strbuf *sb, char c);
__attribute__((format(printf, 2, 3))) int strbuf_addf(struct strbuf *sb, const char *fmt, ...);
void strbuf_reset(struct strbuf *sb);
/* Hand the bytes to the caller (free() them); sb is empty again. */
char *strbuf_detach(struct strbuf *sb, size_t *len);
/* A whole file into a new NUL-terminated buffer (*out, free() it; *len its
 * size when len is not NULL). 0, or -errno (-ENOENT, -EIO, -ENOMEM...). */
int strbuf_read_file(const char *path, char **out, size_t *len);

#endif
