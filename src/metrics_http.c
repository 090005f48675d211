/*
 * metrics_http.c - serves GET /metrics (Prometheus text) on a loopback port
 * with libmicrohttpd's internal polling thread (MHD_USE_AUTO: epoll or
 * poll, so a listen fd above FD_SETSIZE in a busy process still works).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "metrics.h"

struct rg_metrics_server {
	struct MHD_Daemon *d;
	const struct rg_metrics *m;
	uint16_t port;
};

static enum MHD_Result rg__http_send(struct MHD_Connection *c, unsigned status,
				    const char *ctype, char *body, size_t len,
				    enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, mode);
	if (!r) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	enum MHD_Result ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result rg__http_handler(void *cls, struct MHD_Connection *c,
				       const char *url, const char *method,
				       const char *version, const char *upload_data,
				       size_t *upload_data_size, void **con_cls)
{
	struct rg_metrics_server *srv = cls;
	(void)version;
	(void)upload_data;
	(void)upload_data_size;
	static int first_call_marker;
	if (*con_cls == NULL) {
		/* First call for this request: headers only; answer on the next. */
		*con_cls = &first_call_marker;
		return MHD_YES;
	}
	static char txt_ctype[] = "text/plain; charset=utf-8";
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
		static char msg[] = "method not allowed\n";
		return rg__http_send(c, MHD_HTTP_METHOD_NOT_ALLOWED, txt_ctype, msg,
				    strlen(msg), MHD_RESPMEM_PERSISTENT);
	}
	if (strcmp(url, "/metrics") != 0) {
		static char msg[] = "not found: try /metrics\n";
		return rg__http_send(c, MHD_HTTP_NOT_FOUND, txt_ctype, msg,
				    strlen(msg), MHD_RESPMEM_PERSISTENT);
	}
	char *mem = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&mem, &len);
	int rc = f ? rg_metrics_write_prometheus(srv->m, f) : RG_ENOMEM;
	if (f && fclose(f) != 0 && rc == 0)
		rc = RG_ENOMEM;
	if (rc != 0) {
		free(mem);
		static char msg[] = "metrics unavailable\n";
		return rg__http_send(c, MHD_HTTP_INTERNAL_SERVER_ERROR, txt_ctype, msg,
				    strlen(msg), MHD_RESPMEM_PERSISTENT);
	}
	return rg__http_send(c, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8",
			    mem, len, MHD_RESPMEM_MUST_FREE);
}

int rg_metrics_serve(const rg_metrics_t *m, uint16_t port, rg_metrics_server_t **srv)
{
	if (!srv)
		return RG_EINVAL;
	*srv = NULL;
#ifdef RG_NO_METRICS
	(void)m;
	(void)port;
	(void)rg__http_handler;
	return RG_ESTATE;
#else
	if (!m)
		return RG_EINVAL;
	struct rg_metrics_server *s = calloc(1, sizeof *s);
	if (!s)
		return RG_ENOMEM;
	s->m = m;
	struct sockaddr_in sa;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons(port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s->d = MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD, port, NULL, NULL,
				rg__http_handler, s,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned)16,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)10,
				MHD_OPTION_END);
	if (!s->d) {
		free(s);
		return RG_EIO;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	s->port = info ? info->port : port;
	if (s->port == 0) {
		MHD_stop_daemon(s->d);
		free(s);
		return RG_EIO;
	}
	*srv = s;
	return 0;
#endif
}

uint16_t rg_metrics_server_port(const rg_metrics_server_t *srv)
{
	return srv ? srv->port : 0;
}

void rg_metrics_server_stop(rg_metrics_server_t *srv)
{
	if (!srv)
		return;
	MHD_stop_daemon(srv->d);
	free(srv);
}
