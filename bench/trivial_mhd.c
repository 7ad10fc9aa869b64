/* Baseline for bench/run.sh: the cheapest libmicrohttpd server configured as
 * newsd is (epoll, internal thread pool, same flags), answering every request
 * with one fixed JSON body of about an article's size. newsd can at best
 * match it on GET /articles/{id}.
 *
 *   trivial_mhd PORT [BODY_BYTES [THREADS]]     (defaults 4096, 4)
 *
 * Listens on 127.0.0.1 only; runs until SIGINT or SIGTERM. As in newsd, the
 * response is queued on the second access-handler call: libmicrohttpd 0.9.75
 * answers "Connection: close" to a response queued on the first call, which
 * would defeat keep-alive (see DESIGN.md, known pitfalls). */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static char *body;
static size_t body_len;

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
	static int seen;
	struct MHD_Response *r;
	enum MHD_Result ret;

	(void)cls;
	(void)url;
	(void)method;
	(void)version;
	(void)upload_data;
	if (!*con_cls) { /* first call: headers only; answer on the next one */
		*con_cls = &seen;
		return MHD_YES;
	}
	if (*upload_data_size) { /* discard any body */
		*upload_data_size = 0;
		return MHD_YES;
	}
	r = MHD_create_response_from_buffer(body_len, body, MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

/* {"id":1,"title":"...","body":"lorem ... "} padded to exactly n bytes. */
static char *make_body(size_t n, size_t *len)
{
	static const char head[] =
	        "{\"id\":1,\"title\":\"Trivial baseline article\",\"lang\":\"en\","
	        "\"body\":\"";
	static const char tail[] = "\",\"entities\":[]}";
	static const char words[] = "lorem ipsum dolor sit amet consectetur adipiscing elit ";
	size_t fixed = sizeof(head) - 1 + sizeof(tail) - 1, i, wl = sizeof(words) - 1;
	char *b;

	if (n < fixed + 1)
		n = fixed + 1;
	b = malloc(n + 1);
	if (!b)
		return NULL;
	memcpy(b, head, sizeof(head) - 1);
	for (i = 0; i < n - fixed; i++)
		b[sizeof(head) - 1 + i] = words[i % wl];
	memcpy(b + n - (sizeof(tail) - 1), tail, sizeof(tail) - 1);
	b[n] = '\0';
	*len = n;
	return b;
}

int main(int argc, char **argv)
{
	struct MHD_Daemon *d;
	struct sockaddr_in sa;
	sigset_t set;
	long port, size = 4096, threads = 4;
	int sig;

	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: %s PORT [BODY_BYTES [THREADS]]\n", argv[0]);
		return 2;
	}
	port = strtol(argv[1], NULL, 10);
	if (argc > 2)
		size = strtol(argv[2], NULL, 10);
	if (argc > 3)
		threads = strtol(argv[3], NULL, 10);
	if (port < 1 || port > 65535 || size < 1 || size > (1L << 24) || threads < 1 ||
	    threads > 64) {
		fprintf(stderr, "%s: bad arguments (port 1-65535, body 1-16M, threads 1-64)\n",
		        argv[0]);
		return 2;
	}
	body = make_body((size_t)size, &body_len);
	if (!body)
		return 1;

	/* Block the stop signals in every thread (MHD's inherit the mask), then
	 * wait for one here. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	d = MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG,
	                     (uint16_t)port, NULL, NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR,
	                     &sa, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
	                     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30, MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "%s: cannot listen on 127.0.0.1:%ld\n", argv[0], port);
		return 1;
	}
	fprintf(stderr, "trivial_mhd: 127.0.0.1:%ld, %zu-byte body, %ld thread(s)\n", port,
	        body_len, threads);
	while (sigwait(&set, &sig) != 0)
		;
	MHD_stop_daemon(d);
	free(body);
	return 0;
}
