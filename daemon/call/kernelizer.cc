// SPDX-License-Identifier: GPL-3.0-or-later
#include "call/kernelizer.h"

#include <algorithm>
#include <cstring>

#include "kernel/channel.h"
#include "kernel/srtp_params.h"
#include "media/media_loop.h"
#include "util/clock.h"
#include "util/log.h"

namespace rtprelay::call {
namespace {

constexpr auto kLog = log::Subsystem::kCore;

// The payload types either party announced for this m= line: each sends with its own
// numbers or the other's. More than the kernel takes means "any".
void add_payload_types(kernel::TargetInput& in, const Media& a, const Media& b)
{
	for (const Media* m : {&a, &b})
		for (uint8_t pt : m->payload_types) {
			auto end =
			        in.payload_types.begin() + static_cast<long>(in.num_payload_types);
			if (std::find(in.payload_types.begin(), end, pt) != end)
				continue;
			if (in.num_payload_types == in.payload_types.size()) {
				in.num_payload_types = 0;
				in.payload_types = {};
				return;
			}
			in.payload_types[in.num_payload_types++] = pt;
		}
}

uint32_t first_clock_rate(const Media& m)
{
	for (uint8_t pt : m.payload_types)
		if (m.clock_rates[pt])
			return m.clock_rates[pt];
	return 0;
}

// `m`, or where it is a BUNDLE transport every m= line it carries (itself first).
template <typename F>
void for_each_carried(Media& m, F f)
{
	if (m.bundled.empty()) {
		f(m);
		return;
	}
	for (Media* line : m.bundled)
		f(*line);
}

// The peer's stream a target for `s` sends to, as Stream::sink: on the peer's BUNDLE transport
// where it bundles the m= line, its RTCP stream for this RTCP port when it has one, else its
// RTP stream; null without a peer.
const Stream* kernel_output(const Stream& s)
{
	if (!s.media.peer)
		return nullptr;
	const Media& to = s.media.peer->carrier();
	bool rtcp_socket = s.component == Stream::Component::kRtcp;
	return rtcp_socket && !to.rtcp_mux ? &to.rtcp : &to.rtp;
}

// The module keeps a packet in its family (no 4 <-> 6 yet): an IPv6 browser's nominated pair
// towards an IPv4 phone, or IPv4 <-> IPv6 bridging.
bool crosses_families(const Stream& s)
{
	const Stream* out = kernel_output(s);
	return s.socket && out && out->socket &&
	       s.socket->local.ip().family() != out->socket->local.ip().family();
}

// The kernel's new packets in the loop's relay-wide traffic: received on the target's input
// address, sent from its output's.
void count_kernel(const Stream& s, media::MediaLoop& loop, uint64_t packets, uint64_t bytes,
                  uint64_t errors, uint64_t dropped_src)
{
	using media::Direction;
	using media::Path;
	media::LoopTraffic& t = loop.traffic();
	t.add(s.kernel.in_address, Direction::kIn, Path::kKernel, packets, bytes, 0);
	t.add(s.kernel.out_address, Direction::kOut, Path::kKernel, packets, bytes, errors);
	t.drop(media::DropReason::kStrictSource, dropped_src);
}

// The sessions of the packets arriving on `s`: what unprotects them, and what protects them
// for the peer. Null where that side is plain.
crypto::SrtpSession* decrypt_of(const Stream& s)
{
	return s.media.decrypt ? &*s.media.decrypt : nullptr;
}

crypto::SrtpSession* encrypt_of(const Stream& s)
{
	if (!s.media.peer)
		return nullptr;
	Media& to = s.media.peer->carrier(); // a BUNDLE transport keys every line it carries
	return to.encrypt ? &*to.encrypt : nullptr;
}

// The kernel's SRTP for `s`: its drops counted like userspace's, and each SSRC's indices taken
// into the sessions, so that userspace goes on from there whenever it has the stream again.
void absorb_srtp(Stream& s, media::MediaLoop& loop, const rtprelay_target_stats& was,
                 const rtprelay_target_stats& now)
{
	uint64_t auth = now.dropped_auth - was.dropped_auth;
	uint64_t replay = now.dropped_replay - was.dropped_replay;
	s.stats.drops[static_cast<size_t>(media::DropReason::kSrtpAuth)] += auth;
	s.stats.drops[static_cast<size_t>(media::DropReason::kSrtpReplay)] += replay;
	loop.counters().srtp_auth_failed.fetch_add(auth, std::memory_order_relaxed);
	loop.counters().srtp_replay.fetch_add(replay, std::memory_order_relaxed);
	loop.traffic().drop(media::DropReason::kSrtpAuth, auth);
	loop.traffic().drop(media::DropReason::kSrtpReplay, replay);
	crypto::SrtpSession* in = decrypt_of(s);
	crypto::SrtpSession* out = encrypt_of(s);
	for (const rtprelay_srtp_ssrc& x : now.srtp_ssrcs) {
		if (!x.valid)
			continue;
		if (in)
			in->advance(kernel::from_abi(x.ssrc, x.in));
		if (out)
			out->advance(kernel::from_abi(x.ssrc, x.out[0]));
	}
}

// Reads the live target's counters and adds what is new since the last reading.
void refresh(Stream& s, media::MediaLoop& loop)
{
	KernelState& k = s.kernel;
	auto cmd = kernel::build_get_stats(k.local());
	if (!cmd)
		return;
	auto now = k.channel()->get_stats(*cmd);
	if (!now) {
		log::warn(kLog, "%s (%s)", now.error().reason.c_str(),
		          k.local().to_string().c_str());
		return;
	}
	const rtprelay_target_stats& was = k.live();
	uint64_t packets = now->packets - was.packets;
	uint64_t bytes = now->bytes - was.bytes;
	uint64_t errors = now->errors - was.errors;
	s.stats.packets += packets;
	s.stats.forwarded += packets;
	s.stats.bytes += bytes;
	s.stats.errors += errors;
	s.stats.drops[static_cast<size_t>(media::DropReason::kStrictSource)] +=
	        now->dropped_src - was.dropped_src;
	k.packets += packets;
	k.bytes += bytes;
	k.errors += errors;
	auto last = static_cast<int64_t>(now->last_packet_ms);
	k.last_packet_ms = std::max(k.last_packet_ms, last);
	s.stats.last_packet_ms = std::max(s.stats.last_packet_ms, last);
	loop.counters().kernel.add(packets, bytes, errors);
	count_kernel(s, loop, packets, bytes, errors, now->dropped_src - was.dropped_src);
	absorb_srtp(s, loop, was, *now);
	k.set_live(*now);
}

void take_back(Stream& s)
{
	if (s.kernel.active() && s.loop) {
		refresh(s, *s.loop);
		s.kernel.remove();
		log::debug(kLog, "stream %s taken back to userspace",
		           s.kernel.local().to_string().c_str());
	}
	s.kernel.attempted.reset();
}

// Each SSRC continues in the kernel where the sessions have it (the old target's progress
// was just taken into them).
Result<void> put_srtp_progress(Stream& s, const kernel::TargetInput& want,
                               rtprelay_cmd_add_target& cmd)
{
	if (!want.decrypt && !want.encrypt)
		return {};
	crypto::SrtpState in, out;
	if (crypto::SrtpSession* d = decrypt_of(s))
		in = d->state();
	if (crypto::SrtpSession* e = encrypt_of(s))
		out = e->state();
	return kernel::put_srtp_ssrcs(cmd, want.decrypt ? &in : nullptr,
	                              want.encrypt ? &out : nullptr);
}

void sync(Stream& s)
{
	if (!s.loop || !s.loop->kernel())
		return;
	media::MediaLoop& loop = *s.loop;
	auto want = kernel_decision(s, loop.config().tos, util::now_ms());
	KernelState& k = s.kernel;
	if (want == k.attempted)
		return;
	if (!want) {
		take_back(s);
		return;
	}
	// A target answers for its local socket: under ICE the stream may move to another of
	// the relay's candidates, and the old socket's target must not outlive the move.
	if (k.active() && want->local != k.local())
		take_back(s);
	k.attempted = want;
	auto cmd = kernel::build_add_target(*want);
	if (cmd && k.active()) {
		refresh(s, loop); // replacing resets the kernel's counters: keep what they say
		k.retire_live();
	}
	Result<void> added = cmd ? put_srtp_progress(s, *want, *cmd) : Result<void>(cmd.error());
	if (added)
		added = loop.kernel()->add_target(*cmd);
	if (cmd)
		explicit_bzero(&*cmd, sizeof *cmd); // session keys
	if (!added) {
		if (k.active())
			k.remove(); // the old target no longer does what userspace would
		log::info(kLog, "stream %s stays in userspace: %s", want->local.to_string().c_str(),
		          added.error().reason.c_str());
		return;
	}
	if (!k.active())
		log::debug(kLog, "stream %s kernelized (to %s)", want->local.to_string().c_str(),
		           want->out_dst.to_string().c_str());
	k.installed(*loop.kernel(), want->local);
	k.in_address = s.socket->address;
	const Stream* out = kernel_output(s); // there is one: want says so
	k.out_address = out && out->socket ? out->socket->address : 0;
}

} // namespace

const char* userspace_only(const Stream& s)
{
	// Without a module any stream stays in userspace: nothing SRTP-specific to say.
	const kernel::Channel* k = s.loop ? s.loop->kernel() : nullptr;
	if (!k)
		return nullptr;
	// One socket for several m= lines is taken apart per packet (media::BundleDemux). What
	// the other side sends towards a bundling party is not: each of its m= lines has its own
	// target, which sends to the transport (with the transport's keys).
	if (s.bundle || s.media.transport)
		return "bundle";
	if (crosses_families(s))
		return "address family";
	for (const crypto::SrtpSession* x : {decrypt_of(s), encrypt_of(s)})
		if (x)
			if (const char* why = kernel::srtp_refusal(x->keying(), k->srtp_suites()))
				return why;
	return nullptr;
}

std::optional<kernel::TargetInput> kernel_decision(const Stream& s, int tos, int64_t now_ms)
{
	const Media& m = s.media;
	const Media* peer = m.peer;
	bool rtcp_socket = s.component == Stream::Component::kRtcp;
	if (!s.socket || m.rejected || !s.learning.confirmed() || !peer || !peer->allocated() ||
	    peer->rejected || userspace_only(s))
		return std::nullopt;
	if (rtcp_socket && m.rtcp_mux)
		return std::nullopt; // unused: this party muxes RTCP onto the RTP port
	const Stream* sink = kernel_output(s);
	if (!sink || !sink->socket || !sink->learning.destination() || crosses_families(s))
		return std::nullopt;
	const Stream& out = *sink;
	// Nothing from a DTLS party, and nothing to one, before its association has keys: the
	// kernel would forward plain media (userspace drops it as "dtls pending").
	if ((s.dtls && !s.decrypt) || (out.dtls && !out.encrypt))
		return std::nullopt;
	// A party that let its ICE consent lapse gets nothing (RFC 7675 5.1; userspace drops it
	// as "ice no consent"), and the kernel stops a margin early; the check that renews it
	// reaches userspace, which decides again.
	if (out.ice && !out.ice->consent(out.ice_component(), now_ms + kIceConsentMarginMs))
		return std::nullopt;

	kernel::TargetInput in;
	in.local = s.socket->local;
	// Learned endpoints are where the party sends from; without learning any source goes.
	if (s.learning.learned())
		in.expected_src = s.learning.destination();
	// From an ICE party userspace takes media from every address that passed a check, not
	// only the selected one: the others go up to it.
	in.strict = s.learning.strict() && !s.ice;
	in.out_src = out.socket->local;
	in.out_dst = *out.learning.destination();
	in.tos = static_cast<uint8_t>(tos);
	if (!rtcp_socket) {
		in.rtcp_mux = m.rtcp_mux;
		// Userspace sends RTCP that arrives here (muxed or not) to the peer's RTCP port
		// (Stream::sink), which is not this target's output.
		in.rtcp_to_userspace = !peer->carrier().rtcp_mux;
		add_payload_types(in, m, *peer);
		for (size_t i = 0; i < s.stats.ssrc_count && i < in.ssrcs.size(); i++)
			in.ssrcs[in.num_ssrcs++] = s.stats.ssrcs[i].ssrc();
		in.clock_rate = first_clock_rate(m);
	}
	if (const crypto::SrtpSession* d = decrypt_of(s))
		in.decrypt = d->keying();
	if (const crypto::SrtpSession* e = encrypt_of(s))
		in.encrypt = e->keying();
	return in;
}

void kernel_sync_after_packets(Stream& s)
{
	if (!s.loop || !s.loop->kernel())
		return;
	sync(s);
	// The peers' streams send to this stream's endpoint, which these packets may have moved:
	// the peer of every m= line this stream's transport carries.
	for_each_carried(s.media, [](Media& line) {
		if (Media* peer = line.peer; peer && peer->allocated()) {
			sync(peer->rtp);
			sync(peer->rtcp);
		}
	});
}

void kernel_refresh(Stream& s)
{
	if (s.kernel.active() && s.loop)
		refresh(s, *s.loop);
}

void kernel_refresh(Call& c)
{
	for (auto& ml : c.monologues())
		for (auto& m : ml->medias) {
			kernel_refresh(m->rtp);
			kernel_refresh(m->rtcp);
		}
}

void kernel_recheck(Call& c)
{
	for (auto& ml : c.monologues())
		for (auto& m : ml->medias)
			for (Stream* s : {&m->rtp, &m->rtcp})
				if (s->kernel.active())
					sync(*s);
}

void kernel_take_back(Media& m)
{
	for (Media* x : {&m, m.peer}) {
		if (!x)
			continue;
		take_back(x->rtp);
		take_back(x->rtcp);
	}
}

void kernel_take_back_carried(Media& m)
{
	for_each_carried(m, [](Media& line) { kernel_take_back(line); });
}

} // namespace rtprelay::call
