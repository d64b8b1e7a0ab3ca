// SPDX-License-Identifier: GPL-3.0-or-later
#include "call/kernelizer.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <span>

#include "kernel/channel.h"
#include "kernel/srtp_params.h"
#include "media/media_loop.h"
#include "util/clock.h"
#include "util/log.h"

namespace rtprelay::call {
namespace {

constexpr auto kLog = log::Subsystem::kCore;

// The payload types either party announced for this m= line: each sends with its own
// numbers or the other's. More than the kernel takes means "any" (returns false), which no
// later m= line of the same target may narrow again.
bool add_payload_types(kernel::TargetInput& in, const Media& a, const Media& b)
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
				return false;
			}
			in.payload_types[in.num_payload_types++] = pt;
		}
	return true;
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

// The peer's stream that output `tag` of a target for `s` sends to: kernel_output(s), or on a
// party's BUNDLE transport the peer's stream of the carried m= line `tag` (what the party
// sends there is taken apart by SSRC, one output per line); null without one.
const Stream* output_stream(const Stream& s, size_t tag)
{
	if (!s.bundle)
		return kernel_output(s);
	if (tag >= s.media.bundled.size())
		return nullptr;
	const Media* peer = s.media.bundled[tag]->peer;
	if (!peer || !peer->allocated() || peer->rejected)
		return nullptr;
	return &peer->carrier().rtp;
}

// How many outputs a target for `s` may have (tags 0..n-1).
size_t output_tags(const Stream& s)
{
	return s.bundle ? s.media.bundled.size() : 1;
}

// The m= line of this party whose packets output `tag` forwards.
const Media& line_of_tag(const Stream& s, size_t tag)
{
	return s.bundle ? *s.media.bundled[tag] : s.media;
}

// The session that protects what the relay sends to `out`'s party; null where it is plain.
crypto::SrtpSession* encrypt_for(const Stream* out)
{
	return out && out->media.encrypt ? &*out->media.encrypt : nullptr;
}

// The module keeps a packet in its family (no 4 <-> 6 yet): an IPv6 browser's nominated pair
// towards an IPv4 phone, or IPv4 <-> IPv6 bridging.
bool crosses_families(const Stream& s)
{
	if (!s.socket)
		return false;
	for (size_t tag = 0; tag < output_tags(s); tag++) {
		const Stream* out = output_stream(s, tag);
		if (out && out->socket &&
		    s.socket->local.ip().family() != out->socket->local.ip().family())
			return true;
	}
	return false;
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

// What protects the packets output `tag` of the target installed for `s` sends.
crypto::SrtpSession* encrypt_of(const Stream& s, size_t tag)
{
	return encrypt_for(output_stream(s, tag));
}

// The kernel's SRTP for `s`: its drops counted like userspace's, and each SSRC's indices taken
// into the sessions, so that userspace goes on from there whenever it has the stream again.
// `deleted_next`: the target is deleted or replaced next.
void absorb_srtp(Stream& s, media::MediaLoop& loop, const rtprelay_target_stats& was,
                 const rtprelay_target_stats& now, bool deleted_next)
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
	std::array<crypto::SrtpSession*, RTPRELAY_MAX_OUTPUTS> out{};
	if (const auto& installed = s.kernel.attempted)
		for (size_t i = 0; i < installed->num_outputs; i++)
			if (installed->outputs[i].encrypt)
				out[i] = encrypt_of(s, installed->outputs[i].tag);
	for (const rtprelay_srtp_ssrc& x : now.srtp_ssrcs) {
		if (!x.valid)
			continue;
		if (in)
			in->advance(kernel::from_abi(x.ssrc, x.in));
		for (size_t i = 0; i < out.size(); i++)
			if (out[i])
				out[i]->advance(deleted_next ? kernel::taken_back(x.ssrc, x.out[i])
				                             : kernel::from_abi(x.ssrc, x.out[i]));
	}
}

// Reads the live target's counters and adds what is new since the last reading;
// `deleted_next`: the target is deleted or replaced next.
void refresh(Stream& s, media::MediaLoop& loop, bool deleted_next = false)
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
	absorb_srtp(s, loop, was, *now, deleted_next);
	k.set_live(*now);
}

void take_back(Stream& s)
{
	if (s.kernel.active() && s.loop) {
		refresh(s, *s.loop, true);
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
	if (!want.decrypt && !want.encrypts())
		return {};
	// A BUNDLE transport's target passes only the SSRCs it lists (every output has a mask):
	// the sessions' other SSRCs would only take the kernel's few slots.
	auto listed = [&s, &want](crypto::SrtpState st) {
		if (!s.bundle)
			return st;
		auto* end = want.ssrcs.begin() + static_cast<long>(want.num_ssrcs);
		auto kept = std::remove_if(st.ssrcs.begin(), st.ssrcs.begin() + st.ssrc_count,
		                           [&](const crypto::SrtpSsrcState& x) {
			                           return std::find(want.ssrcs.begin(), end,
			                                            x.ssrc) == end;
		                           });
		st.ssrc_count = static_cast<uint8_t>(kept - st.ssrcs.begin());
		return st;
	};
	crypto::SrtpState in;
	if (crypto::SrtpSession* d = decrypt_of(s))
		in = listed(d->state());
	std::array<crypto::SrtpState, RTPRELAY_MAX_OUTPUTS> out;
	std::array<const crypto::SrtpState*, RTPRELAY_MAX_OUTPUTS> outs{};
	for (size_t i = 0; i < want.num_outputs; i++) {
		if (!want.outputs[i].encrypt)
			continue;
		if (crypto::SrtpSession* e = encrypt_of(s, want.outputs[i].tag))
			out[i] = listed(e->state());
		outs[i] = &out[i];
	}
	return kernel::put_srtp_ssrcs(cmd, want.decrypt ? &in : nullptr,
	                              std::span(outs.data(), want.num_outputs));
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
	auto cmd = kernel::build_add_target(*want);
	if (k.active()) {
		// Replacing (or, should the new target fail, removing) resets the kernel's
		// counters and SRTP indices: keep what they say.
		refresh(s, loop, true);
		k.retire_live();
	}
	k.attempted = want;
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
		log::debug(kLog, "stream %s kernelized (to %s, %zu outputs)",
		           want->local.to_string().c_str(), want->output().dst.to_string().c_str(),
		           want->num_outputs);
	k.installed(*loop.kernel(), want->local);
	k.in_address = s.socket->address;
	// A call's streams towards one party share an interface: the first output's counts all.
	const Stream* out = output_stream(s, want->output().tag); // there is one: want says so
	k.out_address = out && out->socket ? out->socket->address : 0;
}

} // namespace

const char* userspace_only(const Stream& s)
{
	// Without a module any stream stays in userspace: nothing SRTP-specific to say.
	const kernel::Channel* k = s.loop ? s.loop->kernel() : nullptr;
	if (!k)
		return nullptr;
	// A BUNDLE transport's target takes it apart by SSRC, an output per m= line (userspace
	// also goes by MID and payload type, for the SSRCs it has not seen): its RTP socket
	// only (BUNDLE muxes RTCP), and as many lines as the kernel has outputs. The carried
	// lines' own streams are unused. What the other side sends towards a bundling party has
	// a target per m= line, which sends to the transport (with the transport's keys).
	if (s.media.transport || (s.bundle && (s.component == Stream::Component::kRtcp ||
	                                       s.media.bundled.size() > RTPRELAY_MAX_OUTPUTS)))
		return "bundle";
	if (crosses_families(s))
		return "address family";
	auto refused = [k](const crypto::SrtpSession* x) {
		return x ? kernel::srtp_refusal(x->keying(), k->srtp_suites()) : nullptr;
	};
	if (const char* why = refused(decrypt_of(s)))
		return why;
	for (size_t tag = 0; tag < output_tags(s); tag++)
		if (const char* why = refused(encrypt_of(s, tag)))
			return why;
	return nullptr;
}

namespace {

// Whether the kernel may send to `out` now.
bool may_send_to(const Stream& out, int64_t now_ms)
{
	if (!out.socket || !out.learning.destination())
		return false;
	// Nothing to a DTLS party before its association has keys: the kernel would forward
	// plain media (userspace drops it as "dtls pending").
	if (out.dtls && !out.encrypt)
		return false;
	// A party that let its ICE consent lapse gets nothing (RFC 7675 5.1; userspace drops it
	// as "ice no consent"), and the kernel stops a margin early; the check that renews it
	// reaches userspace, which decides again.
	return !out.ice || out.ice->consent(out.ice_component(), now_ms + kIceConsentMarginMs);
}

// The outputs, one per tag the kernel may send to now, with the payload types of their m=
// lines and whether RTCP must go up to userspace (a peer's RTCP port is not an output).
void put_outputs(const Stream& s, int64_t now_ms, kernel::TargetInput& in)
{
	bool listed = true; // the payload types fit so far
	for (size_t tag = 0; tag < output_tags(s) && in.num_outputs < in.outputs.size(); tag++) {
		const Stream* out = output_stream(s, tag);
		if (!out || !may_send_to(*out, now_ms))
			continue;
		kernel::TargetInput::Output& o = in.outputs[in.num_outputs++];
		o.src = out->socket->local;
		o.dst = *out->learning.destination();
		o.tag = tag;
		if (const crypto::SrtpSession* e = encrypt_for(out))
			o.encrypt = e->keying();
		const Media& line = line_of_tag(s, tag);
		if (s.component == Stream::Component::kRtp) {
			listed = listed && add_payload_types(in, line, *line.peer);
			// Userspace sends RTCP that arrives here (muxed or not) to the peer's RTCP
			// port (Stream::sink) where it has one, which is no output of this target.
			in.rtcp_to_userspace |= !out->media.rtcp_mux;
		}
	}
}

// The SSRCs seen so far (RTP sockets only; a new one goes up to userspace, which learns it).
// On a BUNDLE transport each goes to the output of the m= line it belongs to, and an output
// that has none yet is left out: with no mask it would take every packet.
void put_ssrcs(const Stream& s, kernel::TargetInput& in)
{
	for (size_t i = 0; i < s.stats.ssrc_count && in.num_ssrcs < in.ssrcs.size(); i++) {
		uint32_t ssrc = s.stats.ssrcs[i].ssrc();
		if (!s.bundle) {
			in.ssrcs[in.num_ssrcs++] = ssrc;
			continue;
		}
		auto line = s.bundle->line_of(ssrc);
		auto* end = in.outputs.begin() + static_cast<long>(in.num_outputs);
		auto* o = std::find_if(in.outputs.begin(), end,
		                       [&line](const auto& x) { return line && x.tag == *line; });
		if (o == end)
			continue; // not (or no longer) the party's, or its line has no output
		o->ssrc_mask |= static_cast<uint8_t>(1u << in.num_ssrcs);
		in.ssrcs[in.num_ssrcs++] = ssrc;
	}
	if (!s.bundle)
		return;
	auto* end = in.outputs.begin() + static_cast<long>(in.num_outputs);
	auto* kept = std::remove_if(in.outputs.begin(), end,
	                            [](const auto& x) { return x.ssrc_mask == 0; });
	in.num_outputs = static_cast<size_t>(kept - in.outputs.begin());
	std::fill(kept, end, kernel::TargetInput::Output{});
}

// The clock of the m= lines' first payload type, for the kernel's jitter: none where the
// outputs' lines differ (audio and video on one transport).
uint32_t clock_rate_of(const Stream& s, const kernel::TargetInput& in)
{
	uint32_t rate = line_of_tag(s, in.output().tag).clock_rates.first;
	for (size_t i = 1; i < in.num_outputs; i++)
		if (line_of_tag(s, in.outputs[i].tag).clock_rates.first != rate)
			return 0;
	return rate;
}

} // namespace

std::optional<kernel::TargetInput> kernel_decision(const Stream& s, int tos, int64_t now_ms)
{
	const Media& m = s.media;
	const Media* peer = m.peer;
	bool rtcp_socket = s.component == Stream::Component::kRtcp;
	// A BUNDLE transport's outputs are its lines' peers (output_stream): the other side may
	// reject the line that carries the group and take the others.
	bool peer_ok = s.bundle || (peer && peer->allocated() && !peer->rejected);
	if (!s.socket || m.rejected || !s.learning.confirmed() || !peer_ok || userspace_only(s))
		return std::nullopt;
	if (rtcp_socket && m.rtcp_mux)
		return std::nullopt; // unused: this party muxes RTCP onto the RTP port
	if (crosses_families(s))     // userspace_only says so only with a module
		return std::nullopt;
	// Nothing from a DTLS party before its association has keys (see may_send_to).
	if (s.dtls && !s.decrypt)
		return std::nullopt;

	kernel::TargetInput in;
	in.local = s.socket->local;
	put_outputs(s, now_ms, in);
	if (!rtcp_socket) {
		put_ssrcs(s, in);
		in.rtcp_mux = m.rtcp_mux;
	}
	if (!in.num_outputs)
		return std::nullopt;
	if (!rtcp_socket)
		in.clock_rate = clock_rate_of(s, in);
	// Learned endpoints are where the party sends from; without learning any source goes.
	if (s.learning.learned())
		in.expected_src = s.learning.destination();
	// From an ICE party userspace takes media from every address that passed a check, not
	// only the selected one: the others go up to it.
	in.strict = s.learning.strict() && !s.ice;
	in.tos = static_cast<uint8_t>(tos);
	if (const crypto::SrtpSession* d = decrypt_of(s))
		in.decrypt = d->keying();
	return in;
}

void kernel_sync_after_packets(Stream& s, const media::MediaLoop& loop)
{
	if (!loop.kernel()) // without reading the stream's loop, on its second cache line
		return;
	sync(s);
	// The peers' streams send to this stream's endpoint, which these packets may have moved:
	// the peer of every m= line this stream's transport carries.
	// Where the peer bundles that m= line, its transport's streams send for it.
	for_each_carried(s.media, [](Media& line) {
		if (Media* peer = line.peer; peer && peer->allocated()) {
			sync(peer->carrier().rtp);
			sync(peer->carrier().rtcp);
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
