// Shared scenario plumbing: ng call setup and teardown, measurement window, media metrics.
#include "scenario.h"

#include <cmath>
#include <limits>

#include "call_flow.h"
#include "clock.h"
#include "proc_stats.h"
#include "srtp_session.h"
#include "udp_socket.h"

namespace rtpload {

CallIds call_ids(const Context& ctx, size_t call)
{
	std::string n = std::to_string(call);
	return {"rtpload-" + ctx.run_id + "-" + n, "caller-" + n, "callee-" + n};
}

Result<SdesKey> caller_key(const Context& ctx)
{
	if (ctx.opt.srtp != "caller")
		return SdesKey{};
	const SrtpSuite* suite = find_srtp_suite(ctx.opt.srtp_suite);
	if (!suite)
		return Error{"unknown SRTP suite " + ctx.opt.srtp_suite};
	return random_sdes_key(*suite);
}

namespace {

// The caller's two sessions: its own key for what it sends, the relay's from the answer for
// what it receives. The answer must accept the one suite and tag offered (RFC 4568 §7.1.2).
Result<void> key_caller(MediaEngine& engine, size_t ep, const SdesKey& mine,
                        const std::vector<std::string>& answer_crypto)
{
	auto relay = parse_crypto_attribute(answer_crypto.front());
	if (!relay)
		return relay.error();
	if (relay->suite != mine.suite || relay->tag != mine.tag)
		return Error{"answer: a=crypto:" + answer_crypto.front() + " is not the offered " +
		             std::to_string(mine.tag) + " " + mine.suite->name};
	auto tx = SrtpSession::create(mine, SrtpSession::Direction::outbound);
	if (!tx)
		return tx.error();
	auto rx = SrtpSession::create(*relay, SrtpSession::Direction::inbound);
	if (!rx)
		return rx.error();
	engine.set_srtp(ep, std::move(*tx), std::move(*rx));
	return {};
}

// The DTLS caller's handshake with the relay from its own socket, and its sessions from the
// exported keys.
Result<void> key_dtls_caller(MediaEngine& engine, size_t ep, const DtlsParty& party,
                             const sockaddr_in& relay, const MediaEndpoint& answer)
{
	auto keys = party.handshake(engine.fd(ep), relay, answer.fingerprint, 5 * kNsPerSec);
	if (!keys)
		return keys.error();
	auto tx = SrtpSession::create(keys->tx, SrtpSession::Direction::outbound);
	if (!tx)
		return tx.error();
	auto rx = SrtpSession::create(keys->rx, SrtpSession::Direction::inbound);
	if (!rx)
		return rx.error();
	engine.set_srtp(ep, std::move(*tx), std::move(*rx));
	return {};
}

} // namespace

CallSetup setup_media_calls(Context& ctx, MediaEngine& engine, size_t first, size_t n)
{
	CallSetup out;
	int64_t t0 = mono_ns();
	size_t next = 0;
	std::string local = to_string(ctx.local);
	auto fail = [&](const std::string& why) {
		out.failed++;
		if (out.first_error.empty())
			out.first_error = why;
	};
	auto source = [&]() -> std::optional<FlowSpec> {
		while (next < n) {
			size_t k = next++;
			auto key = caller_key(ctx);
			if (!key) {
				fail(key.error().reason);
				continue;
			}
			return FlowSpec{k,
			                call_ids(ctx, first + k),
			                local,
			                engine.local_port(2 * k),
			                engine.local_port(2 * k + 1),
			                {Step::offer, Step::answer},
			                *key,
			                ctx.dtls ? ctx.dtls->fingerprint() : std::string()};
		}
		return std::nullopt;
	};
	auto sink = [&](const FlowSpec& f, FlowOutcome&& o) {
		Result<sockaddr_in> to_caller_leg = Error{o.error};
		Result<sockaddr_in> to_callee_leg = Error{o.error};
		if (o.ok) {
			// The caller sends where the answer's SDP points, the callee where the
			// offer's does.
			to_caller_leg = parse_ipv4_endpoint(o.answer_media.addr + ":" +
			                                    std::to_string(o.answer_media.port));
			to_callee_leg = parse_ipv4_endpoint(o.offer_media.addr + ":" +
			                                    std::to_string(o.offer_media.port));
		}
		if (!to_caller_leg || !to_callee_leg)
			return fail(to_caller_leg ? to_callee_leg.error().reason
			                          : to_caller_leg.error().reason);
		if (f.caller_key.suite) {
			auto keyed =
			        key_caller(engine, 2 * f.tag, f.caller_key, o.answer_media.crypto);
			if (!keyed)
				return fail(keyed.error().reason);
		}
		if (ctx.dtls) {
			auto keyed = key_dtls_caller(engine, 2 * f.tag, *ctx.dtls, *to_caller_leg,
			                             o.answer_media);
			if (!keyed)
				return fail(keyed.error().reason);
		}
		engine.pair(2 * f.tag, 2 * f.tag + 1, *to_caller_leg, *to_callee_leg);
		out.ok_calls.push_back(first + f.tag);
	};
	int64_t give_up = t0 + 60 * kNsPerSec;
	run_flows(ctx.ng, static_cast<size_t>(ctx.opt.window), source, sink, give_up, give_up);
	out.seconds = ns_to_seconds(mono_ns() - t0);
	return out;
}

size_t delete_calls(Context& ctx, const std::vector<size_t>& calls, std::string& first_error)
{
	size_t next = 0, failed = 0;
	auto source = [&]() -> std::optional<FlowSpec> {
		if (next == calls.size())
			return std::nullopt;
		size_t i = calls[next++];
		return FlowSpec{i, call_ids(ctx, i), {}, 0, 0, {Step::del}, {}, {}};
	};
	auto sink = [&](const FlowSpec&, FlowOutcome&& o) {
		if (o.ok)
			return;
		failed++;
		if (first_error.empty())
			first_error = o.error;
	};
	int64_t give_up = mono_ns() + 30 * kNsPerSec;
	run_flows(ctx.ng, static_cast<size_t>(ctx.opt.window), source, sink, give_up, give_up);
	return failed;
}

namespace {

double relay_cpu(const Context& ctx)
{
	if (ctx.opt.relay_pid <= 0)
		return std::numeric_limits<double>::quiet_NaN();
	auto cpu = process_cpu_seconds(static_cast<pid_t>(ctx.opt.relay_pid));
	return cpu ? *cpu : std::numeric_limits<double>::quiet_NaN();
}

uint64_t read_relay_drops(const Context& ctx)
{
	return udp_drops_in_port_range(static_cast<uint32_t>(ctx.opt.relay_port_min),
	                               static_cast<uint32_t>(ctx.opt.relay_port_max));
}

} // namespace

void Measure::start(const Context& ctx, const MediaEngine* engine)
{
	gen_drops0_ = engine ? engine->socket_drops() : 0;
	gen0_ = self_cpu_seconds();
	relay0_ = relay_cpu(ctx);
	t0_ = mono_ns();
}

void Measure::stop(const Context& ctx)
{
	relay_cpu_s = relay_cpu(ctx) - relay0_;
	gen_cpu_s = self_cpu_seconds() - gen0_;
	seconds = ns_to_seconds(mono_ns() - t0_);
}

void Measure::read_drops(const Context& ctx, const MediaEngine& engine)
{
	gen_drops = engine.socket_drops() - gen_drops0_;
	relay_drops = read_relay_drops(ctx);
}

void add_media_metrics(Report& r, const WindowTotals& t, const Histogram& latency, const Measure& m,
                       int64_t max_lag_ns)
{
	double received = static_cast<double>(t.rx.unique);
	double sent = static_cast<double>(t.sent);
	auto us = [&](double q) { return static_cast<double>(latency.quantile(q)) / 1e3; };
	r.add("sent", "packets sent (window)", std::to_string(t.sent));
	r.add("received", "packets received", std::to_string(t.rx.unique));
	r.add("lost", "packets lost", std::to_string(t.lost));
	r.add("loss_pct", "loss %", sent > 0 ? 100.0 * static_cast<double>(t.lost) / sent : 0, 4);
	r.add("worst_stream_lost", "worst stream, packets lost",
	      std::to_string(t.worst_stream_lost));
	r.add("silent_streams", "streams that received nothing", std::to_string(t.silent_streams));
	r.add("duplicates", "duplicates", std::to_string(t.rx.duplicates));
	r.add("reordered", "reordered", std::to_string(t.rx.reordered));
	r.add("header_changed", "RTP header changed by relay", std::to_string(t.rx.header_changed));
	r.add("foreign", "foreign/crossed packets", std::to_string(t.rx.foreign));
	r.add("wrong_source", "from unexpected source address", std::to_string(t.rx.wrong_source));
	r.add("srtp_errors", "SRTP unprotect failures", std::to_string(t.rx.srtp_errors));
	r.add("srtp_replays", "SRTP replays refused", std::to_string(t.rx.srtp_replays));
	r.add("send_errors", "send errors (generator)", std::to_string(t.send_errors));
	r.add("gen_skipped", "not sent: generator behind", std::to_string(t.skipped));
	double offered = sent + static_cast<double>(t.skipped);
	r.add("gen_limited", "generator could not keep up",
	      offered > 0 && static_cast<double>(t.skipped) / offered > 0.001 ? "yes" : "no");
	r.add("lat_p50_us", "latency p50 (µs)", us(0.50), 1);
	r.add("lat_p99_us", "latency p99 (µs)", us(0.99), 1);
	r.add("lat_max_us", "latency max (µs)", static_cast<double>(latency.max()) / 1e3, 1);
	r.add("window_s", "window (s)", m.seconds, 2);
	r.add("relayed_pps", "relayed packets/s (both dirs)", received / m.seconds, 0);
	r.add("relay_cpu_s", "relay CPU (s, utime+stime)", m.relay_cpu_s, 2);
	r.add("relay_cpu_pct", "relay CPU (% of one core)", 100 * m.relay_cpu_s / m.seconds, 1);
	r.add("cpu_s_per_mpkt", "relay CPU s per million packets",
	      received > 0 ? m.relay_cpu_s / (received / 1e6) : std::nan(""), 3);
	r.add("gen_cpu_pct", "generator CPU (% of one core)", 100 * m.gen_cpu_s / m.seconds, 1);
	r.add("gen_drops", "drops at generator sockets", std::to_string(m.gen_drops));
	r.add("relay_sock_drops", "drops at relay sockets (since setup)",
	      std::to_string(m.relay_drops));
	r.add("max_lag_ms", "sender max lag behind schedule (ms)",
	      static_cast<double>(max_lag_ns) / 1e6, 2);
}

} // namespace rtpload
