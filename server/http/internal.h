/* http module internals. */
#ifndef NEWSD_HTTP_INTERNAL_H
#define NEWSD_HTTP_INTERNAL_H

#include <stddef.h>

/* The dashboard file for a request path under dir: "/" is index.html, a
 * path naming a folder its index.html. Only plain relative paths (letters,
 * digits, '.', '-', '_', '/'; no "..", no hidden files) are served. Sets a
 * new *body, its *len and a static *content_type. 0, -ENOENT (no such file
 * or a path we refuse) or -ENOMEM. */
int http_static_load(const char *dir, const char *path, char **body, size_t *len,
                     const char **content_type);

#endif
