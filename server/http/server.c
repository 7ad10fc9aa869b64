/* The libmicrohttpd daemon: epoll with an internal thread pool. Requests are
 * answered on the second (or later) access-handler call, never the first:
 * libmicrohttpd 0.9.75 answers "Connection: close" to responses queued on
 * the first call, which would cost every client a new connection. */
#include "config.h"
#include "http.h"
#include "internal.h"
#include "log.h"
#include "metrics.h"
#include "strbuf.h"
#include "text.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* How much of an oversized chunked body we read (and drop) so that the
 * client can read the 413; past that the connection is closed. */
#define DRAIN_LIMIT(max) ((max)*4 > (16u << 20) ? (max)*4 : (size_t)(16u << 20))

struct http_server {
	struct MHD_Daemon *daemon;
	const struct http_route *routes;
	size_t n_routes;
	void *app;
	size_t max_body;
	char **api_keys;
	size_t n_keys;
	const char *web_dir;     /* borrowed from the config; NULL: no dashboard */
	const char *cors_origin; /* borrowed from the config; NULL: no CORS */
};

/* Per-request state, in *con_cls until the completion callback frees it. */
struct request_state {
	struct strbuf body;
	bool too_large;
	bool answered;
	int status;
	char *line;       /* "METHOD /path" for the access log */
	size_t discarded; /* bytes of an oversized body read and dropped */
	struct timespec start;
	const struct http_route *route;            /* chosen on the first call */
	const char *path_args[HTTP_MAX_PATH_ARGS]; /* point into scratch */
	char *scratch;                             /* two copies of the path */
	char *static_body;                         /* a dashboard file to send */
	size_t static_len;
	const char *static_type;
};

static bool is_write(const char *method)
{
	return strcmp(method, MHD_HTTP_METHOD_POST) == 0 ||
	       strcmp(method, MHD_HTTP_METHOD_DELETE) == 0 ||
	       strcmp(method, MHD_HTTP_METHOD_PUT) == 0 ||
	       strcmp(method, MHD_HTTP_METHOD_PATCH) == 0;
}

/* Compare in time independent of where the first difference is. */
static bool same_secret(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i;
	unsigned char diff = (unsigned char)(la != lb);

	for (i = 0; i < la; i++)
		diff |= (unsigned char)(a[i] ^ b[i % (lb ? lb : 1)]);
	return diff == 0;
}

static enum MHD_Result collect_param(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
	struct http_request *req = cls;

	if (req->n_params == HTTP_MAX_PARAMS) {
		req->too_many_params = true;
		return MHD_NO;
	}
	req->params[req->n_params].key = key;
	req->params[req->n_params].value = value;
	req->n_params++;
	return MHD_YES;
}

/* Check the bearer key; fills res and returns false when refused. */
static bool authorized(const struct http_server *srv, struct MHD_Connection *c,
                       struct http_response *res, bool *challenge)
{
	const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
	size_t i;

	*challenge = false;
	if (!srv->n_keys)
		return true;
	if (!auth || strncasecmp(auth, "Bearer ", 7) != 0) {
		*challenge = true;
		http_problem(res, 401, "this write needs 'Authorization: Bearer <key>'");
		return false;
	}
	auth += 7;
	while (*auth == ' ')
		auth++;
	for (i = 0; i < srv->n_keys; i++)
		if (same_secret(auth, srv->api_keys[i]))
			return true;
	http_problem(res, 403, "the bearer key is not valid");
	return false;
}

/* Find the route; fills res with 404/405 when there is none. keep and tmp
 * each hold strlen(path) + 1 bytes: the chosen route's {x} captures point
 * into keep, and tmp is for trying the others (to build Allow). */
static const struct http_route *route(const struct http_server *srv, struct http_request *req,
                                      char *keep, char *tmp, struct strbuf *allow,
                                      struct http_response *res)
{
	const struct http_route *found = NULL;
	const char *args[HTTP_MAX_PATH_ARGS];
	size_t i;
	bool method_ok;

	for (i = 0; i < srv->n_routes; i++) {
		strcpy(tmp, req->path);
		if (!http_match(srv->routes[i].pattern, tmp, args, HTTP_MAX_PATH_ARGS))
			continue;
		if (allow->len)
			strbuf_addstr(allow, ", ");
		strbuf_addstr(allow, srv->routes[i].method);
		if (strcmp(srv->routes[i].method, "GET") == 0)
			strbuf_addstr(allow, ", HEAD");
		method_ok = strcmp(srv->routes[i].method, req->method) == 0 ||
		            (strcmp(req->method, "HEAD") == 0 &&
		             strcmp(srv->routes[i].method, "GET") == 0);
		if (!found && method_ok) {
			found = &srv->routes[i];
			strcpy(keep, req->path);
			http_match(found->pattern, keep, req->path_args, HTTP_MAX_PATH_ARGS);
		}
	}
	if (found)
		return found;
	if (allow->len)
		http_problem(res, 405, "method %s is not allowed on %s", req->method, req->path);
	else
		http_problem(res, 404, "no resource at %s", req->path);
	return NULL;
}

/* CORS for a dashboard served from another origin: every response says
 * which origin may read it; a preflight (OPTIONS) also says what it may send. */
static void add_cors(const struct http_server *srv, struct MHD_Response *r, const char *allow,
                     int status)
{
	if (!srv->cors_origin)
		return;
	MHD_add_response_header(r, "Access-Control-Allow-Origin", srv->cors_origin);
	MHD_add_response_header(r, "Access-Control-Expose-Headers", "Location");
	if (strcmp(srv->cors_origin, "*") != 0)
		MHD_add_response_header(r, "Vary", "Origin");
	if (status == 204 && allow) {
		MHD_add_response_header(r, "Access-Control-Allow-Methods", allow);
		MHD_add_response_header(r, "Access-Control-Allow-Headers",
		                        "Authorization, Content-Type");
		MHD_add_response_header(r, "Access-Control-Max-Age", "600");
	}
}

static enum MHD_Result respond(const struct http_server *srv, struct MHD_Connection *c,
                               struct request_state *st, struct http_response *res,
                               const char *allow, bool challenge)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	if (!res->body)
		http_problem(res, 500, "the handler produced no response");
	r = MHD_create_response_from_buffer(res->body_len, res->body, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(res->body);
		free(res->location);
		return MHD_NO;
	}
	res->body = NULL; /* MHD owns it now */
	if (res->content_type)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, res->content_type);
	add_cors(srv, r, allow, res->status);
	if (res->location)
		MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, res->location);
	if (allow && (res->status == 405 || res->status == 204))
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
	if (challenge)
		MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
	ret = MHD_queue_response(c, (unsigned)res->status, r);
	MHD_destroy_response(r);
	free(res->location);
	res->location = NULL;
	st->status = res->status;
	st->answered = true;
	return ret;
}

/* A request no API route takes: a preflight for a known path (when CORS is
 * on), or a dashboard file for a GET; res holds the 404/405 otherwise.
 * Returns true to go on (a file is sent on the last call, keeping the
 * connection alive for the dashboard's other files). */
static bool outside_api(struct http_server *srv, const char *method, const char *url,
                        struct request_state *st, struct http_response *res,
                        const struct strbuf *allow)
{
	bool get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;

	if (strcmp(method, "OPTIONS") == 0 && srv->cors_origin && allow->len) {
		free(res->body);
		res->body = strdup("");
		res->body_len = 0;
		res->status = 204;
		res->content_type = NULL;
		return false;
	}
	if (!get || allow->len ||
	    http_static_load(srv->web_dir, url, &st->static_body, &st->static_len,
	                     &st->static_type))
		return false;
	free(res->body);
	res->body = NULL;
	return true;
}

/* First call, headers only: choose the route and refuse what can be refused
 * before reading a byte of the body (404/405, 401/403, a declared size over
 * the limit), so that nobody can make newsd buffer a body it will reject.
 * Returns false with res filled when refused. */
static bool admit(struct http_server *srv, struct MHD_Connection *c, const char *url,
                  const char *method, struct request_state *st, struct http_response *res,
                  struct strbuf *allow, bool *challenge)
{
	struct http_request req;
	size_t len = strlen(url) + 1;
	const char *clen;

	memset(&req, 0, sizeof(req));
	req.method = method;
	req.path = url;
	st->scratch = malloc(2 * len);
	if (!st->scratch) {
		http_problem(res, 503, "out of memory");
		return false;
	}
	st->route = route(srv, &req, st->scratch, st->scratch + len, allow, res);
	if (!st->route)
		return outside_api(srv, method, url, st, res, allow);
	memcpy(st->path_args, req.path_args, sizeof(st->path_args));
	if (is_write(method) && !authorized(srv, c, res, challenge))
		return false;
	clen = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (clen && strtoull(clen, NULL, 10) > srv->max_body) {
		http_problem(res, 413, "request body is larger than the limit of %zu bytes",
		             srv->max_body);
		return false;
	}
	return true;
}

/* Last call, the whole body read: check it and run the handler. */
static void dispatch(struct http_server *srv, struct MHD_Connection *c, const char *url,
                     const char *method, struct request_state *st, struct http_response *res)
{
	struct http_request req;

	if (st->static_body) {
		res->status = 200;
		res->body = st->static_body;
		res->body_len = st->static_len;
		res->content_type = st->static_type;
		st->static_body = NULL;
		return;
	}
	memset(&req, 0, sizeof(req));
	req.method = method;
	req.path = url;
	memcpy(req.path_args, st->path_args, sizeof(req.path_args));
	if (st->too_large) {
		http_problem(res, 413, "request body is larger than the limit of %zu bytes",
		             srv->max_body);
		return;
	}
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_param, &req);
	req.content_type =
	        MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	req.body = st->body.len ? st->body.buf : "";
	req.body_len = st->body.len;
	if (req.too_many_params) {
		http_problem(res, 400, "too many query parameters (at most %d)", HTTP_MAX_PARAMS);
		return;
	}
	if (memchr(req.body, '\0', req.body_len) || !text_utf8_valid(req.body, req.body_len)) {
		http_problem(res, 400, "request body is not valid UTF-8 text");
		return;
	}
	st->route->handler(srv->app, &req, res);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
	struct http_server *srv = cls;
	struct request_state *st = *con_cls;
	struct http_response res = {0};
	struct strbuf allow = STRBUF_INIT;
	bool challenge = false;
	enum MHD_Result ret;

	if (!st) {
		st = calloc(1, sizeof(*st));
		if (!st)
			return MHD_NO;
		strbuf_init(&st->body);
		clock_gettime(CLOCK_MONOTONIC, &st->start);
		if (strbuf_addf(&st->body, "%s %s", method, url) == 0)
			st->line = strbuf_detach(&st->body, NULL);
		*con_cls = st;
		if (!admit(srv, c, url, method, st, &res, &allow, &challenge)) {
			/* Refused on the first call: libmicrohttpd then skips "100
			 * Continue" and closes the connection after the response;
			 * keep-alive does not matter for a refusal. */
			ret = respond(srv, c, st, &res, allow.len ? allow.buf : NULL, challenge);
			strbuf_release(&allow);
			return ret;
		}
		strbuf_release(&allow);
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (st->answered) {
			*upload_data_size = 0; /* refused already: nothing to keep */
			return MHD_YES;
		}
		if (!st->too_large && st->body.len + *upload_data_size > srv->max_body) {
			/* A chunked body without Content-Length grew too big: drop it
			 * and answer 413 once it ends, so the client reads the reason. */
			st->too_large = true;
			st->discarded = st->body.len;
			strbuf_release(&st->body);
		}
		if (st->too_large) {
			st->discarded += *upload_data_size;
			if (st->discarded > DRAIN_LIMIT(srv->max_body))
				return MHD_NO; /* not worth reading further: close */
		} else if (strbuf_add(&st->body, upload_data, *upload_data_size)) {
			return MHD_NO;
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (st->answered)
		return MHD_YES;
	dispatch(srv, c, url, method, st, &res);
	return respond(srv, c, st, &res, NULL, false);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	const struct http_server *srv = cls;
	struct request_state *st = *con_cls;
	struct timespec end;
	double ms;

	if (!st)
		return;
	clock_gettime(CLOCK_MONOTONIC, &end);
	ms = (double)(end.tv_sec - st->start.tv_sec) * 1e3 +
	     (double)(end.tv_nsec - st->start.tv_nsec) / 1e6;
	metrics_http_observe(st->route ? (int)(st->route - srv->routes) : -1, st->status, ms / 1e3);
	log_info("http: %s status=%d ms=%.2f%s", st->line ? st->line : "?", st->status, ms,
	         toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted");
	strbuf_release(&st->body);
	free(st->line);
	free(st->scratch);
	free(st->static_body);
	free(st);
	*con_cls = NULL;
}

static void on_mhd_error(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	size_t n;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		msg[--n] = '\0';
	log_warn("http: %s", msg);
}

static int parse_bind(const char *addr, long port, struct sockaddr_storage *ss, int *family)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		*family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, addr, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		*family = AF_INET6;
		return 0;
	}
	return -EINVAL;
}

int http_start(const struct config *cfg, const struct http_route *routes, size_t n_routes,
               void *app, struct http_server **out)
{
	struct http_server *srv = calloc(1, sizeof(*srv));
	struct sockaddr_storage ss;
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG;
	int family;

	if (!srv)
		return -ENOMEM;
	if (parse_bind(cfg->bind, cfg->port, &ss, &family)) {
		log_error("http: bind address '%s' is not an IPv4 or IPv6 address", cfg->bind);
		free(srv);
		return -EINVAL;
	}
	if (family == AF_INET6)
		flags |= MHD_USE_IPv6;
	srv->routes = routes;
	srv->n_routes = n_routes;
	{
		const char *methods[METRICS_MAX_ROUTES], *patterns[METRICS_MAX_ROUTES];
		size_t i;

		for (i = 0; i < n_routes && i < METRICS_MAX_ROUTES; i++) {
			methods[i] = routes[i].method;
			patterns[i] = routes[i].pattern;
		}
		metrics_set_routes(methods, patterns, i);
	}
	srv->app = app;
	srv->max_body = (size_t)cfg->max_body;
	srv->web_dir = cfg->web_dir[0] ? cfg->web_dir : NULL;
	srv->cors_origin = cfg->cors_origin[0] ? cfg->cors_origin : NULL;
	srv->api_keys = config_api_keys(cfg, &srv->n_keys);
	if (!srv->api_keys) {
		free(srv);
		return -ENOMEM;
	}
	srv->daemon = MHD_start_daemon(
	        flags, (uint16_t)cfg->port, NULL, NULL, on_request, srv,
	        /* the logger first, so that no option's message escapes it */
	        MHD_OPTION_EXTERNAL_LOGGER, on_mhd_error, srv, MHD_OPTION_SOCK_ADDR, &ss,
	        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->http_threads,
	        MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_CONNECTION_TIMEOUT,
	        (unsigned)30, MHD_OPTION_END);
	if (!srv->daemon) {
		log_error("http: cannot listen on %s:%ld (in use, or not permitted)", cfg->bind,
		          cfg->port);
		config_keys_free(srv->api_keys);
		free(srv);
		return -EADDRINUSE;
	}
	if (srv->n_keys)
		log_info("http: writes need one of %zu API key(s)", srv->n_keys);
	else
		log_warn(
		        "http: NEWSD_API_KEYS is empty: writes are open to anyone who can connect");
	log_info("http: listening on %s:%ld with %ld thread(s)", cfg->bind, cfg->port,
	         cfg->http_threads);
	*out = srv;
	return 0;
}

void http_stop(struct http_server *srv)
{
	const union MHD_DaemonInfo *info;
	int waited_ms = 0;

	if (!srv)
		return;
	MHD_quiesce_daemon(srv->daemon);
	/* Let requests in flight finish, for up to ten seconds. */
	for (;;) {
		info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
		if (!info || info->num_connections == 0 || waited_ms >= 10000)
			break;
		usleep(20000);
		waited_ms += 20;
	}
	MHD_stop_daemon(srv->daemon);
	config_keys_free(srv->api_keys);
	free(srv);
	log_info("http: stopped");
}
