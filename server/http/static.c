/* The dashboard's static files (web/), served for GET requests outside the
 * API. Files are small and few: read whole on each request, no cache to
 * invalidate when the dashboard is rebuilt while the server runs. */
#include "internal.h"
#include "strbuf.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_STATIC (8u << 20)

static const struct {
	const char *ext;
	const char *type;
} TYPES[] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},
        {".txt", "text/plain; charset=utf-8"},
        {".map", "application/json"},
};

static const char *type_of(const char *path)
{
	const char *dot = strrchr(path, '.');
	size_t i;

	for (i = 0; dot && i < sizeof(TYPES) / sizeof(TYPES[0]); i++)
		if (strcmp(dot, TYPES[i].ext) == 0)
			return TYPES[i].type;
	return NULL; /* an unknown kind of file is not served */
}

/* Relative, plain, and never climbing out of the folder. */
static bool safe_path(const char *p)
{
	const char *c;

	for (c = p; *c; c++) {
		bool ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		          (*c >= '0' && *c <= '9') || *c == '.' || *c == '-' || *c == '_' ||
		          *c == '/';

		if (!ok)
			return false;
		if (*c == '.' && (c == p || c[-1] == '/'))
			return false; /* "..", "./" and hidden files */
		if (*c == '/' && c[1] == '/')
			return false;
	}
	return true;
}

int http_static_load(const char *dir, const char *path, char **body, size_t *len,
                     const char **content_type)
{
	struct strbuf full = STRBUF_INIT;
	struct stat st;
	int err = -ENOENT;

	while (*path == '/')
		path++;
	if (!dir || !*dir || !safe_path(path))
		return -ENOENT;
	strbuf_init(&full);
	if (strbuf_addf(&full, "%s/%s", dir, path)) {
		err = -ENOMEM;
		goto out;
	}
	if (stat(full.buf, &st) == 0 && S_ISDIR(st.st_mode)) {
		if (strbuf_addstr(&full,
		                  full.buf[full.len - 1] == '/' ? "index.html" : "/index.html")) {
			err = -ENOMEM;
			goto out;
		}
		if (stat(full.buf, &st) != 0)
			goto out;
	} else if (stat(full.buf, &st) != 0) {
		goto out;
	}
	*content_type = type_of(full.buf);
	if (!S_ISREG(st.st_mode) || !*content_type || (size_t)st.st_size > MAX_STATIC)
		goto out;
	err = strbuf_read_file(full.buf, body, len);
	if (err && err != -ENOMEM)
		err = -ENOENT; /* gone or unreadable since stat(): not served */
out:
	strbuf_release(&full);
	return err;
}
