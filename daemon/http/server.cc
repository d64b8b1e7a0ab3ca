// SPDX-License-Identifier: GPL-3.0-or-later
#include "http/server.h"

#include <event2/buffer.h>
#include <event2/keyvalq_struct.h>
#include <sys/socket.h>

#include <string_view>

#include "util/log.h"

namespace rtprelay::http {
namespace {

constexpr auto kLog = log::Subsystem::kControl;

// What every route below asks for: the methods a path answers, or 405 with Allow.
constexpr int kGet = EVHTTP_REQ_GET | EVHTTP_REQ_HEAD;

void reply(evhttp_request* req, int code, const char* reason, const char* type,
           std::string_view body)
{
	evkeyvalq* headers = evhttp_request_get_output_headers(req);
	evhttp_add_header(headers, "Content-Type", type);
	evbuffer* out = evbuffer_new();
	if (out)
		evbuffer_add(out, body.data(), body.size());
	evhttp_send_reply(req, code, reason, out);
	if (out)
		evbuffer_free(out);
}

void refuse_method(evhttp_request* req, const char* allow)
{
	evhttp_add_header(evhttp_request_get_output_headers(req), "Allow", allow);
	reply(req, HTTP_BADMETHOD, "Method Not Allowed", "text/plain", "method not allowed\n");
}

std::string body_of(evhttp_request* req)
{
	evbuffer* in = evhttp_request_get_input_buffer(req);
	std::string body(evbuffer_get_length(in), '\0');
	evbuffer_copyout(in, body.data(), body.size());
	return body;
}

net::Endpoint peer_of(evhttp_request* req)
{
	const sockaddr* sa = evhttp_connection_get_addr(evhttp_request_get_connection(req));
	if (!sa)
		return {};
	socklen_t len = sa->sa_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
	return net::Endpoint::from_sockaddr(sa, len);
}

Result<net::Endpoint> bound_endpoint(evhttp_bound_socket* handle)
{
	sockaddr_storage ss{};
	socklen_t len = sizeof ss;
	if (getsockname(evhttp_bound_socket_get_fd(handle), reinterpret_cast<sockaddr*>(&ss),
	                &len) != 0)
		return Error{"cannot read the HTTP listener's address"};
	return net::Endpoint::from_sockaddr(reinterpret_cast<const sockaddr*>(&ss), len);
}

} // namespace

Result<std::unique_ptr<Server>> Server::create(event::Loop& loop, const net::Endpoint& listen,
                                               NgSubmit ng, MetricsSource metrics)
{
	EvhttpPtr http(evhttp_new(loop.base()), evhttp_free);
	if (!http)
		return Error{"cannot create the HTTP server"};
	std::string ip = listen.ip().to_string();
	evhttp_bound_socket* handle =
	        evhttp_bind_socket_with_handle(http.get(), ip.c_str(), listen.port());
	if (!handle)
		return Error{"cannot listen for HTTP on " + listen.to_string() +
		             ": bind failed (address in use or not local)"};
	auto local = bound_endpoint(handle);
	if (!local)
		return local.error();
	evhttp_set_max_body_size(http.get(), kMaxBodySize);
	evhttp_set_max_headers_size(http.get(), kMaxHeadersSize);
	evhttp_set_timeout(http.get(), kTimeoutSeconds);
	// Every method reaches route(), which answers 405 with Allow for a path it knows;
	// evhttp would answer the ones left out with 501.
	evhttp_set_allowed_methods(http.get(), EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST |
	                                               EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	                                               EVHTTP_REQ_OPTIONS | EVHTTP_REQ_PATCH);
	std::unique_ptr<Server> s(
	        new Server(loop, std::move(http), std::move(ng), std::move(metrics)));
	s->local_ = *local;
	evhttp_set_gencb(s->http_.get(), on_request, s.get());
	log::notice(kLog, "HTTP listening on %s", s->local_.to_string().c_str());
	return s;
}

Server::Server(event::Loop& loop, EvhttpPtr http, NgSubmit ng, MetricsSource metrics)
    : loop_(loop), http_(std::move(http)), ng_(std::move(ng)), metrics_(std::move(metrics)),
      self_(std::make_shared<Server*>(this))
{
}

Server::~Server() = default;

void Server::on_request(evhttp_request* req, void* arg)
{
	auto* s = static_cast<Server*>(arg);
	s->loop_.catch_up(); // a scrape counts what replies sent from media loops left undone
	s->route(req);
}

void Server::route(evhttp_request* req)
{
	const char* raw = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
	std::string_view path = raw ? raw : "";
	int method = evhttp_request_get_command(req);
	if (path == "/ping") {
		if (!(method & kGet))
			return refuse_method(req, "GET, HEAD");
		return reply(req, HTTP_OK, "OK", "text/plain", "pong");
	}
	if (path == "/metrics") {
		if (!(method & kGet))
			return refuse_method(req, "GET, HEAD");
		return reply(req, HTTP_OK, "OK", "text/plain; version=0.0.4; charset=utf-8",
		             metrics_());
	}
	if (path == "/ng" || path == "/ng-plain") {
		if (method != EVHTTP_REQ_POST)
			return refuse_method(req, "POST");
		return submit_ng(req, path == "/ng-plain");
	}
	reply(req, HTTP_NOTFOUND, "Not Found", "text/plain", "not found\n");
}

void Server::submit_ng(evhttp_request* req, bool plain)
{
	std::string body = body_of(req);
	if (body.empty())
		return reply(req, HTTP_BADREQUEST, "Bad Request", "text/plain",
		             "empty ng request\n");
	// The reply may come after this server is gone (the daemon stopping): evhttp_free has
	// freed the request then, so nothing may touch it. A client that went away meanwhile is
	// evhttp's concern: it keeps the request until the reply and then frees it unsent.
	std::weak_ptr<Server*> alive = self_;
	ng_(std::move(body), plain, peer_of(req), [alive, req](const std::string& answer) {
		if (alive.expired())
			return;
		reply(req, HTTP_OK, "OK", "application/x-rtpengine-ng", answer);
	});
}

} // namespace rtprelay::http
