/* http: the libmicrohttpd daemon (sole user of microhttpd.h): routing with
 * 404/405, body limits (413), UTF-8 checks, write authentication, one access
 * log line per request. Handlers see plain request/response records. */
#ifndef NEWSD_HTTP_H
#define NEWSD_HTTP_H

#include <stdbool.h>
#include <stddef.h>

struct config;
struct http_server;

struct http_param {
	const char *key;
	const char *value; /* NULL for "?key" without '=' */
};

#define HTTP_MAX_PATH_ARGS 2
#define HTTP_MAX_PARAMS 32

struct http_request {
	const char *method;
	const char *path;
	const char *path_args[HTTP_MAX_PATH_ARGS]; /* the {id} segments, in order */
	struct http_param params[HTTP_MAX_PARAMS];
	size_t n_params;
	bool too_many_params;
	const char *content_type; /* NULL when absent */
	const char *body;         /* NUL-terminated, valid UTF-8; "" when none */
	size_t body_len;
};

struct http_response {
	int status;
	char *body; /* owned, freed by the http layer */
	size_t body_len;
	const char *content_type; /* static string */
	char *location;           /* owned; Location header when set */
};

/* A handler fills res (status and body) and returns nothing: every failure is
 * a response. app is the pointer given to http_start. */
typedef void (*http_handler_fn)(void *app, const struct http_request *req,
                                struct http_response *res);

struct http_route {
	const char *method;  /* "GET", "POST", "DELETE" */
	const char *pattern; /* "/articles/{id}": {x} matches one non-empty segment */
	http_handler_fn handler;
};

/* Start serving the routes on the configured address; 0 or -errno. */
int http_start(const struct config *cfg, const struct http_route *routes, size_t n_routes,
               void *app, struct http_server **out);
/* Stop accepting, let in-flight requests finish (up to a grace period), stop. */
void http_stop(struct http_server *srv);

/* Set res to an RFC 9457 problem; detail is printf-formatted. */
__attribute__((format(printf, 3, 4))) void http_problem(struct http_response *res, int status,
                                                        const char *fmt, ...);
/* Set res to a JSON body; takes ownership of body (malloc'd). */
void http_json_take(struct http_response *res, int status, char *body, size_t len);
const char *http_reason(int status);

/* Match a path against a pattern, capturing {x} segments (borrowed pointers
 * into scratch, which must hold a copy of path). Exposed for tests. */
bool http_match(const char *pattern, char *scratch, const char **args, size_t max_args);

#endif
