#include "strbuf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An empty strbuf points here so that buf is never NULL before the first
 * allocation; it is never written to. */
static char empty_buf[1];

void strbuf_init(struct strbuf *sb)
{
	sb->buf = empty_buf;
	sb->len = 0;
	sb->alloc = 0;
}

void strbuf_release(struct strbuf *sb)
{
	if (sb->alloc)
		free(sb->buf);
	strbuf_init(sb);
}

int strbuf_grow(struct strbuf *sb, size_t extra)
{
	size_t want, alloc;
	char *p;

	if (!sb->buf)
		strbuf_init(sb);
	if (extra > (size_t)-1 / 2 - sb->len - 1)
		return -ENOMEM;
	want = sb->len + extra + 1;
	if (want <= sb->alloc)
		return 0;
	alloc = sb->alloc ? sb->alloc : 64;
	while (alloc < want)
		alloc *= 2;
	p = sb->alloc ? realloc(sb->buf, alloc) : malloc(alloc);
	if (!p)
		return -ENOMEM;
	if (!sb->alloc)
		p[0] = '\0';
	sb->buf = p;
	sb->alloc = alloc;
	return 0;
}

int strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	int err = strbuf_grow(sb, len);

	if (err)
		return err;
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
	return 0;
}

int strbuf_addstr(struct strbuf *sb, const char *s)
{
	return strbuf_add(sb, s, strlen(s));
}

int strbuf_addch(struct strbuf *sb, char c)
{
	return strbuf_add(sb, &c, 1);
}

int strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n, err;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	err = strbuf_grow(sb, (size_t)n);
	if (err)
		return err;
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
	return 0;
}

void strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->alloc)
		sb->buf[0] = '\0';
}

char *strbuf_detach(struct strbuf *sb, size_t *len)
{
	char *out;

	if (!sb->alloc) {
		out = strdup("");
		if (len)
			*len = 0;
		return out;
	}
	out = sb->buf;
	if (len)
		*len = sb->len;
	strbuf_init(sb);
	return out;
}

int strbuf_read_file(const char *path, char **out, size_t *len)
{
	struct strbuf sb = STRBUF_INIT;
	char chunk[8192];
	size_t got;
	FILE *f = fopen(path, "rb");
	int err = 0;

	if (!f)
		return -errno;
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		err = strbuf_add(&sb, chunk, got);
		if (err)
			break;
	}
	if (!err && ferror(f))
		err = -EIO;
	fclose(f);
	if (err) {
		strbuf_release(&sb);
		return err;
	}
	*out = strbuf_detach(&sb, len);
	return *out ? 0 : -ENOMEM;
}
