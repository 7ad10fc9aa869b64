/* Responses and routing helpers shared by every handler. */
#include "http.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *http_reason(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 201:
		return "Created";
	case 202:
		return "Accepted";
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 409:
		return "Conflict";
	case 413:
		return "Content Too Large";
	case 422:
		return "Unprocessable Content";
	case 500:
		return "Internal Server Error";
	case 503:
		return "Service Unavailable";
	}
	return "Error";
}

void http_json_take(struct http_response *res, int status, char *body, size_t len)
{
	free(res->body);
	res->status = status;
	res->body = body;
	res->body_len = len;
	res->content_type = "application/json";
}

void http_problem(struct http_response *res, int status, const char *fmt, ...)
{
	char detail[1024];
	json_t *obj, *d;
	char *text;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	/* json_string() refuses invalid UTF-8, and a detail may quote user input
	 * cut mid-character: fall back to a plain detail rather than none. */
	d = json_string(detail);
	if (!d)
		d = json_string("the request could not be processed");
	obj = json_pack("{s:s, s:s, s:i, s:o}", "type", "about:blank", "title", http_reason(status),
	                "status", status, "detail", d);
	text = obj ? json_dumps(obj, JSON_COMPACT) : NULL;
	json_decref(obj);
	free(res->body);
	res->status = status;
	if (text) {
		res->body = text;
		res->body_len = strlen(text);
	} else {
		res->status = 500;
		res->body = strdup("{\"type\":\"about:blank\",\"title\":\"Internal Server "
		                   "Error\",\"status\":500,\"detail\":\"out of memory\"}");
		res->body_len = res->body ? strlen(res->body) : 0;
	}
	res->content_type = "application/problem+json";
}

bool http_match(const char *pattern, char *scratch, const char **args, size_t max_args)
{
	const char *p = pattern;
	char *s = scratch;
	size_t n = 0;

	while (*p && *s) {
		if (*p == '{') {
			char *end = strchr(s, '/');

			if (n == max_args)
				return false;
			if (end == s)
				return false; /* an empty segment is no id */
			args[n++] = s;
			p = strchr(p, '}');
			if (!p)
				return false;
			p++;
			if (!end) {
				s += strlen(s);
			} else {
				*end = '\0';
				s = end + 1;
				if (*p != '/')
					return false;
				p++;
			}
			continue;
		}
		if (*p != *s)
			return false;
		p++;
		s++;
	}
	return *p == '\0' && *s == '\0';
}
