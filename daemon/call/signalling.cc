// SPDX-License-Identifier: GPL-3.0-or-later
#include "call/signalling.h"

#include <algorithm>
#include <cctype>
#include <strings.h>
#include <sys/socket.h>

#include "call/bundle.h"
#include "call/kernelizer.h"
#include "call/media_crypto.h"
#include "call/media_dtls.h"
#include "call/media_ice.h"
#include "call/media_limits.h"
#include "call/party.h"
#include "media/forwarder.h"
#include "media/media_loop.h"
#include "sdp/writer.h"
#include "util/strings.h"

namespace rtprelay::call {
namespace {

Result<const media::LogicalInterface*> interface_for(const SignalContext& ctx,
                                                     const SignalOptions& options, size_t which)
{
	// Both branches string_view: a std::string/"" conditional would make a temporary.
	std::string_view name = options.direction.size() > which
	                                ? std::string_view(options.direction[which])
	                                : std::string_view();
	const media::LogicalInterface* iface = ctx.interfaces.find(name);
	if (!iface)
		return Error{
		        strprintf("unknown interface '%s' in direction", printable(name).c_str())};
	return iface;
}

// A port pair for the call: the one its journal recorded when the call is being rebuilt,
// else a new one from `allocate`, recorded.
template <class Allocate>
Result<media::Allocation> lease(Journal& journal, const SignalContext& ctx, Allocate allocate)
{
	if (auto again = journal.next_lease())
		return ctx.interfaces.allocate_port(again->address, again->port);
	auto a = allocate();
	if (a)
		journal.leased({a->address->spec.address.to_string(), a->lease.rtp.local.port()});
	return a;
}

Result<void> ensure_allocated(Media& m, const SignalContext& ctx,
                              const media::LogicalInterface& iface, int family, bool strict)
{
	if (m.allocated())
		return {};
	auto a = lease(m.monologue.journal, ctx,
	               [&] { return ctx.interfaces.allocate(iface, family, strict); });
	if (!a)
		return a.error();
	m.allocation = std::move(a).value();
	if (ctx.own_endpoints)
		ctx.own_endpoints->hold(m.allocation.lease);
	m.rtp.attach(0, &m.allocation.lease.rtp);
	m.rtcp.attach(0, &m.allocation.lease.rtcp);
	return {};
}

Result<void> watch_media(Media& m, media::MediaLoop& loop)
{
	for (Stream* s : {&m.rtp, &m.rtcp})
		if (auto r = media::watch(*s, loop); !r)
			return r;
	return {};
}

// A party doing ICE gets a host candidate on every address of the interface facing it (IPv4
// and IPv6), up to the streams' receivers; where one has no free port, the call goes on with
// the others and the reply says so.
Result<void> ensure_candidates(Media& m, const SignalContext& ctx, media::MediaLoop& loop,
                               std::vector<std::string>& warnings)
{
	const media::LogicalInterface* iface = ctx.interfaces.owner(m.allocation.address);
	if (!m.candidates.empty() || !iface)
		return {};
	m.candidates.reserve(media::Stream::kMaxCandidates - 1); // the streams point into it
	for (const media::LocalAddress& a : iface->addresses) {
		if (&a == m.allocation.address)
			continue;
		if (m.candidates.size() + 1 == media::Stream::kMaxCandidates)
			break;
		auto c = lease(m.monologue.journal, ctx,
		               [&] { return media::Interfaces::allocate_at(a); });
		if (!c) {
			warnings.push_back(strprintf("no ICE candidate on %s: %s",
			                             a.spec.address.to_string().c_str(),
			                             c.error().reason.c_str()));
			continue;
		}
		m.candidates.push_back(std::move(c).value());
		media::PortLease& lease = m.candidates.back().lease;
		if (ctx.own_endpoints)
			ctx.own_endpoints->hold(lease);
		m.rtp.attach(m.candidates.size(), &lease.rtp);
		m.rtcp.attach(m.candidates.size(), &lease.rtcp);
	}
	return watch_media(m, loop);
}

// ICE with the party has ended (its own SDP says so: until then it may go on using the pair it
// nominated, whatever the relay offered it since), or its m= line joined a BUNDLE transport:
// its further candidates go back to their pools, after any kernel target that used one.
void drop_candidates(Media& m)
{
	if (m.candidates.empty())
		return;
	kernel_take_back(m);
	for (Stream* s : {&m.rtp, &m.rtcp})
		for (size_t i = 1; i < media::Stream::kMaxCandidates; i++)
			s->detach(i);
	m.candidates.clear();
}

// The protocol transport-protocol asks for, spelled canonically; empty keeps the offered one
// (as does `accept`, which only means something in an answer).
Result<std::string> asked_transport(const std::string& proto)
{
	if (proto.empty() || strcasecmp(proto.c_str(), "accept") == 0)
		return std::string();
	std::string upper = proto; // as rtpengine, in any case
	for (char& c : upper)
		c = static_cast<char>(toupper(static_cast<unsigned char>(c)));
	sdp::Protocol p = sdp::protocol_from_name(upper);
	if (!sdp::is_rtp(p))
		return Error{strprintf("transport-protocol %s is not supported",
		                       printable(proto).c_str())};
	return std::string(sdp::protocol_name(p));
}

// What the relay announces to the receiver for one m= line.
struct Announcement {
	std::string protocol;
	bool mux = false;
	bool exclusive_mux = false; // no RTCP port of its own (rtcp-mux=require)
};

// The formats of a kept transport line (rewrite_media): the rejecting side's where the party
// knows them all, else one the party listed (a static one where it has one: the relay keeps
// no encoding names to write a dynamic one's a=rtpmap).
void keep_formats(sdp::Media& section, const Media& to)
{
	if (to.payload_types.empty())
		return;
	sdp::MediaLine line = section.media_line();
	auto known = [&](const std::string& f) {
		return std::any_of(to.payload_types.begin(), to.payload_types.end(),
		                   [&](uint8_t pt) { return f == std::to_string(pt); });
	};
	if (!line.formats.empty() && std::all_of(line.formats.begin(), line.formats.end(), known))
		return;
	auto it = std::find_if(to.payload_types.begin(), to.payload_types.end(),
	                       [](uint8_t pt) { return pt < 96; });
	line.formats = {std::to_string(it != to.payload_types.end() ? *it : to.payload_types[0])};
	section.set_media_line(line);
}

// Rewrites one m= section so the other party sends to the relay's socket `to` faces it with
// (its BUNDLE transport's, where it has one); `closed`: port 0, rejected.
void rewrite_media(sdp::Session& session, sdp::Media& section, const Media& from, const Media& to,
                   const std::string& protocol, const Announcement& a, bool closed)
{
	bool mux = a.mux;
	if (closed) {
		section.set_port(0);
		return;
	}
	// The other side rejected the m= line that carries this party's BUNDLE group: rejecting
	// it would take the transport from the group's other lines (a browser with max-bundle
	// has no other), so it stays, inactive.
	if (from.rejected) {
		section.set_direction(sdp::Direction::kInactive);
		keep_formats(section, to);
	}
	const Media& out = to.carrier();
	sdp::MediaLine line = section.media_line(); // one parse and one write for its fields
	line.port = out.allocation.lease.rtp.local.port();
	line.port_count = 1;
	if (!protocol.empty() && sdp::is_rtp(line.protocol_kind()))
		line.protocol = protocol;
	section.set_media_line(line);
	section.remove_attr("bundle-only"); // a port that is not 0 makes it no bundle-only line
	section.set_rtcp_mux(mux);
	uint16_t rtcp_port = mux ? out.allocation.lease.rtp.local.port()
	                         : out.allocation.lease.rtcp.local.port();
	if (a.exclusive_mux)
		section.remove_rtcp();
	else
		section.set_rtcp(sdp::RtcpAttr{rtcp_port, std::nullopt});
	if (!from.hold) {
		auto session_conn = session.connection();
		bool session_matches = session_conn && !session_conn->is_hold() &&
		                       session_conn->ip() == std::optional(out.advertised());
		if (section.has_connection() || !session_matches)
			section.set_connection(out.advertised());
	}
}

// Session-level c= and o= follow the first m= line the relay answers for.
void rewrite_session(sdp::Session& session, const Monologue& receiver, const SignalContext& ctx,
                     const SignalOptions& options)
{
	const net::IpAddress* address = nullptr;
	for (const auto& m : receiver.medias)
		if (m->allocated() && !address)
			address = &m->advertised();
	const media::LogicalInterface* fallback = ctx.interfaces.find("");
	if (!address && fallback && !fallback->addresses.empty())
		address = &fallback->addresses.front().advertised();
	if (!address)
		return;
	auto conn = session.connection();
	if (conn && !conn->is_hold())
		session.set_connection(*address);
	if (options.replace_origin)
		if (auto o = session.origin()) {
			o->set_address(*address);
			session.set_origin(*o);
		}
}

// replace=SDP-version: the same SDP keeps its version, a changed one gets the next.
std::string write_versioned(sdp::Session& session, Monologue& receiver,
                            const SignalOptions& options)
{
	auto o = session.origin();
	if (!options.replace_sdp_version || !o)
		return sdp::write(session);
	if (receiver.last_sdp_out.empty()) {
		receiver.sdp_version_out = parse_int(o->session_version).value_or(0);
	} else {
		o->session_version = std::to_string(receiver.sdp_version_out);
		session.set_origin(*o);
		if (sdp::write(session) != receiver.last_sdp_out)
			receiver.sdp_version_out++;
	}
	o->session_version = std::to_string(receiver.sdp_version_out);
	session.set_origin(*o);
	receiver.last_sdp_out = sdp::write(session);
	return receiver.last_sdp_out;
}

void link(Monologue& a, Monologue& b)
{
	a.peer = &b;
	b.peer = &a;
}

// Which half of the offer/answer exchange (RFC 3264) the SDP being signalled is.
enum class OfferAnswer { kOffer, kAnswer };

// One offer or answer in progress: the party whose SDP arrived (sender), the party that gets
// it rewritten (receiver), and the interfaces facing each.
struct Exchange {
	Call& call;
	Monologue& sender;
	Monologue& receiver;
	const SignalOptions& options;
	const SignalContext& ctx;
	OfferAnswer kind;
	const media::LogicalInterface* sender_if = nullptr;
	const media::LogicalInterface* receiver_if = nullptr;
	std::vector<std::string> warnings{}; // for the reply, found while reading the SDP
	std::string transport{};             // the protocol asked for the receiver; empty: keep
};

// direction=[a, b]: a faces the from-tag party, the sender of an offer and the receiver of an
// answer.
Result<void> choose_interfaces(Exchange& ex)
{
	size_t sender_side = ex.kind == OfferAnswer::kOffer ? 0 : 1;
	auto sender_if = interface_for(ex.ctx, ex.options, sender_side);
	if (!sender_if)
		return sender_if.error();
	auto receiver_if = interface_for(ex.ctx, ex.options, 1 - sender_side);
	if (!receiver_if)
		return receiver_if.error();
	ex.sender_if = *sender_if;
	ex.receiver_if = *receiver_if;
	return {};
}

// The sender's socket pair in the family of its SDP; the receiver's in the one asked with
// address-family, else the same.
Result<void> allocate_sockets(const Exchange& ex, Media& sm, Media& rm)
{
	int family = sm.sdp_rtp ? sm.sdp_rtp->ip().family() : AF_UNSPEC;
	if (auto r = ensure_allocated(sm, ex.ctx, *ex.sender_if, family, false); !r)
		return r;
	int asked = ex.options.address_family;
	return ensure_allocated(rm, ex.ctx, *ex.receiver_if, asked ? asked : family, asked != 0);
}

// The sender's addresses changed: learn its endpoints anew, from the new SDP.
void restart_learning(const Exchange& ex, Media& sm)
{
	const SignalOptions& o = ex.options;
	sm.rtp.learning.reset(sm.sdp_rtp, ex.ctx.config.endpoint_learning, o.asymmetric,
	                      o.strict_source);
	sm.rtcp.learning.reset(sm.sdp_rtcp, ex.ctx.config.endpoint_learning, o.asymmetric,
	                       o.strict_source, &sm.rtp.learning);
}

// The answer makes both parties' SDP known: from now on each side may learn a source other
// than its SDP address (see media/learning.h for why not earlier).
void arm_learning(Media& sm, Media& rm)
{
	for (Media* m : {&sm, &rm})
		for (Stream* s : {&m->rtp, &m->rtcp})
			s->learning.arm();
}

// A WebRTC party: it speaks DTLS-SRTP or ICE, and so requires rtcp-mux (RFC 8829 5.1.1).
bool webrtc(const Media& m, const std::string& protocol)
{
	return m.ice_in || sdp::is_dtls(sdp::protocol_from_name(protocol));
}

// DTLS=off: the SDES-keyed profile in place of a DTLS one (UDP/TLS/RTP/SAVPF -> RTP/SAVPF).
std::string without_dtls(const std::string& protocol)
{
	switch (sdp::protocol_from_name(protocol)) {
	case sdp::Protocol::kUdpTlsRtpSavp:
		return std::string(sdp::protocol_name(sdp::Protocol::kRtpSavp));
	case sdp::Protocol::kUdpTlsRtpSavpf:
		return std::string(sdp::protocol_name(sdp::Protocol::kRtpSavpf));
	default: return protocol;
	}
}

// DTLS-reverse: the relay's role towards the offerer when it answers it.
std::optional<crypto::DtlsSession::Role> answer_role(DtlsMode reverse)
{
	using Role = crypto::DtlsSession::Role;
	switch (reverse) {
	case DtlsMode::kActive: return Role::kActive;
	case DtlsMode::kPassive: return Role::kPassive;
	case DtlsMode::kDefault:
	case DtlsMode::kOff: break;
	}
	return std::nullopt;
}

// An offered m= line: the relay offers rtcp-mux to the answerer as the offerer did, unless
// told otherwise, and the transport protocol asked for, else the offered one. A WebRTC party
// gets rtcp-mux offered and accepted whatever the other side does: a browser refuses SDP
// without it, and Kamailio's minimal flags do not ask for it.
Announcement offer_media(const SignalOptions& o, const std::string& transport, Media& sm, Media& rm)
{
	Announcement a;
	a.protocol = transport.empty() ? sm.protocol : transport;
	if (o.dtls == DtlsMode::kOff)
		a.protocol = without_dtls(a.protocol);
	sm.dtls_answer_role = answer_role(o.dtls_reverse);
	a.mux = (sm.offered_mux && !o.rtcp_mux.demux && !o.rtcp_mux.reject) || o.rtcp_mux.offer ||
	        o.rtcp_mux.require || webrtc(rm, a.protocol);
	a.exclusive_mux = o.rtcp_mux.require;
	rm.require_mux = o.rtcp_mux.require;
	sm.accept_mux = o.rtcp_mux.accept || webrtc(sm, sm.protocol);
	sm.rtcp_mux = sm.offered_mux;
	rm.rtcp_mux = a.mux;
	rm.protocol = a.protocol;
	return a;
}

// An answered m= line: the offerer gets rtcp-mux if it offered it and the answerer took it
// (or the offer said to accept it anyway), in the protocol the offerer spoke.
Announcement answer_media(Media& sm, Media& rm)
{
	sm.rtcp_mux = sm.offered_mux || sm.require_mux; // require: taken as accepted
	rm.rtcp_mux = rm.offered_mux && (sm.rtcp_mux || rm.accept_mux);
	return Announcement{rm.protocol, rm.rtcp_mux};
}

// The call state for the m= line at `index` (1-based): the sender's addresses, sockets on
// both sides, learning, rtcp-mux, and packets watched for.
Result<Announcement> update_media(Exchange& ex, const sdp::Session& session,
                                  const sdp::Media& section, int index)
{
	Media& sm = ex.sender.media_at(index);
	Media& rm = ex.receiver.media_at(index);
	sm.peer = &rm;
	rm.peer = &sm;
	kernel_take_back(sm); // signalling may change anything the kernel was told
	bool changed = read_party(sm, session, section, ex.options,
	                          {ex.ctx.own_endpoints, *ex.sender_if, ex.warnings});
	if (changed)
		sm.moved = true;
	if (sm.rejected) {
		if (rm.carries_others()) // kept, inactive (rewrite_media)
			return Announcement{rm.protocol, rm.rtcp_mux};
		rm.crypto_out.clear();
		return Announcement{};
	}
	if (auto r = allocate_sockets(ex, sm, rm); !r)
		return r.error();
	if (auto r = read_ice(sm, session, section); !r)
		return r.error();
	// A party doing ICE is followed by its agent's nomination, not by learning.
	IceChange ice = apply_ice(sm);
	if (ice == IceChange::kStopped)
		drop_candidates(sm);
	if (ice == IceChange::kStopped || (changed && !sm.rtp.ice))
		restart_learning(ex, sm);
	if (auto r = read_dtls(sm, session, section, ex.kind == OfferAnswer::kAnswer, ex.ctx.dtls);
	    !r)
		return r.error();
	if (ex.kind == OfferAnswer::kAnswer)
		arm_learning(sm, rm);
	Announcement a = ex.kind == OfferAnswer::kOffer
	                         ? offer_media(ex.options, ex.transport, sm, rm)
	                         : answer_media(sm, rm);
	Result<void> keyed = ex.kind == OfferAnswer::kOffer
	                             ? offer_sdes(sm, rm, section, ex.options)
	                             : answer_sdes(sm, rm, section, ex.options, ex.warnings);
	if (!keyed)
		return keyed.error();
	for (Media* m : {&sm, &rm})
		if (auto r = watch_media(*m, ex.call.loop()); !r)
			return r.error();
	return a;
}

// Whether the SDP for the receiver carries the relay's ICE for this m= line: as asked, else
// when the offerer does ICE, or the receiver did before (a re-INVITE from the other side
// keeps ICE with a browser).
bool ice_towards(const Exchange& ex, const Media& sm, const Media& rm)
{
	switch (ex.options.ice) {
	case IceMode::kRemove: return false;
	case IceMode::kForce: return true;
	case IceMode::kDefault: break;
	}
	return (ex.kind == OfferAnswer::kOffer && sm.ice_in) || rm.ice_in;
}

// Whether each of the `lines` m= lines carries the relay's ICE; the candidates of every
// transport are leased before any line is written, since a bundled line lists its
// transport's, which may come later.
Result<std::vector<bool>> lease_candidates(const Exchange& ex, size_t lines,
                                           std::vector<std::string>& warnings)
{
	std::vector<bool> ice(lines);
	for (size_t i = 0; i < lines; i++) {
		Media& sm = *ex.sender.medias[i];
		Media& rm = *sm.peer;
		ice[i] = (!sm.rejected || rm.carries_others()) && ice_towards(ex, sm, rm);
		if (ice[i] && rm.carrier().allocated())
			if (auto r = ensure_candidates(rm.carrier(), ex.ctx, ex.call.loop(),
			                               warnings);
			    !r)
				return r.error();
	}
	return ice;
}

// After the receiver's ICE attributes were written: its streams follow its agent or learning,
// and candidates nobody uses go back.
void after_ice(const Exchange& ex, Media& sm, Media& rm)
{
	if (apply_ice(rm) == IceChange::kStopped) {
		drop_candidates(rm);
		restart_learning(ex, rm);
	}
	for (Media* m : {&sm, &rm})
		if (m->transport) // its sockets carry nothing now
			drop_candidates(*m);
}

// The SDP for the receiver: every address and port is the relay's, facing the receiver. The
// parties' own ICE attributes never pass (their candidates would route media around the
// relay); the relay's own go where ice_towards says.
Result<SignalResult> rewrite_sdp(const Exchange& ex, sdp::Session& session,
                                 const std::vector<Announcement>& announced)
{
	SignalResult result{"", ex.warnings};
	rewrite_session(session, ex.receiver, ex.ctx, ex.options);
	session.remove_ice();
	// The sender's DTLS identity never passes (write_dtls gives each m= line the relay's).
	for (const char* a : {"fingerprint", "setup", "tls-id"})
		session.remove_attr(a);
	auto ice = lease_candidates(ex, session.media().size(), result.warnings);
	if (!ice)
		return ice.error();
	bool any_ice = false;
	for (size_t i = 0; i < session.media().size(); i++) {
		Media& sm = *ex.sender.medias[i];
		Media& rm = *sm.peer;
		sdp::Media& section = session.media()[i];
		// An answer rejects what the receiver's offer rejected, whatever the sender says.
		bool closed = (sm.rejected && !rm.carries_others()) ||
		              (ex.kind == OfferAnswer::kAnswer && rm.rejected);
		rewrite_media(session, section, sm, rm, announced[i].protocol, announced[i],
		              closed);
		if (ex.options.strip_extmap)
			section.remove_attr("extmap");
		write_sdes(section, rm);
		if (auto r = write_ice(section, rm, (*ice)[i]); !r)
			return r.error();
		any_ice = any_ice || rm.ice_out;
		after_ice(ex, sm, rm);
		if (auto r = write_dtls(section, rm, ex.ctx.dtls, ex.options.dtls,
		                        ex.kind == OfferAnswer::kAnswer);
		    !r)
			return r.error();
		dtls_after_signalling(sm);
		dtls_after_signalling(rm);
	}
	if (any_ice)
		session.add_flag("ice-lite");
	if (ex.options.strip_extmap)
		session.remove_attr("extmap");
	write_bundle(session, ex.receiver, ex.kind == OfferAnswer::kAnswer,
	             ex.options.generate_mid);
	result.sdp = write_versioned(session, ex.receiver, ex.options);
	return result;
}

// An exchange that failed after changing m= lines: rewrite_sdp() settles whether each line's
// streams wait for DTLS keys, and the packet path does not check it again, so the lines it
// did not reach are settled here.
Error failed(Exchange& ex, Error e)
{
	for (Monologue* party : {&ex.sender, &ex.receiver})
		for (auto& m : party->medias)
			dtls_after_signalling(*m);
	return e;
}

// However far an exchange got, the streams' sinks follow what it changed.
class Rerouted {
public:
	explicit Rerouted(Call& c) : call_(c) {}
	Rerouted(const Rerouted&) = delete;
	Rerouted& operator=(const Rerouted&) = delete;
	~Rerouted() { call_.reroute(); }

private:
	Call& call_;
};

// The work common to offer and answer.
Result<SignalResult> process(Exchange& ex, sdp::Session& session)
{
	Rerouted rerouted{ex.call};
	if (auto r = choose_interfaces(ex); !r)
		return r.error();
	if (ex.kind == OfferAnswer::kOffer) {
		auto transport = asked_transport(ex.options.transport_protocol);
		if (!transport)
			return transport.error();
		ex.transport = std::move(*transport);
	}
	link(ex.sender, ex.receiver);
	read_bundle(ex.sender, session);

	// First the call state of every m= line; then, once the session-level address is known,
	// the text.
	std::vector<Announcement> announced;
	int index = 0;
	for (const sdp::Media& section : session.media()) {
		auto a = update_media(ex, session, section, ++index);
		if (!a)
			return failed(ex, a.error());
		announced.push_back(std::move(*a));
	}
	apply_bundle(ex.sender);
	auto rewritten = rewrite_sdp(ex, session, announced);
	if (!rewritten)
		return failed(ex, rewritten.error());
	SignalResult result = std::move(*rewritten);
	ex.call.last_signal_ms = ex.ctx.now_ms;
	// As in rtpengine, signalling revives a call deleted with a delay: a proxy that
	// re-routes a failed call re-uses its call-id, and the old delay must not end the new
	// dialogue.
	ex.call.delete_at_ms = 0;
	return result;
}

} // namespace

Result<SignalResult> offer(Call& call, const SignalOptions& options, sdp::Session session,
                           const SignalContext& ctx)
{
	if (options.from_tag == options.to_tag)
		return Error{"from-tag and to-tag are the same"};
	if (auto r = check_offer_media(call, options, session.media().size()); !r)
		return r.error();
	Monologue& sender = call.get_or_create(options.from_tag, ctx.now_ms);
	Monologue* receiver = nullptr;
	if (!options.to_tag.empty())
		receiver = &call.get_or_create(options.to_tag, ctx.now_ms);
	else if (sender.peer)
		receiver = sender.peer;
	else
		receiver = &call.get_or_create("", ctx.now_ms);
	if (!options.label.empty())
		sender.label = options.label;
	if (!options.via_branch.empty() && receiver->tag.empty())
		receiver->via_branch = options.via_branch;
	Exchange ex{call, sender, *receiver, options, ctx, OfferAnswer::kOffer};
	return process(ex, session);
}

Result<SignalResult> answer(Call& call, const SignalOptions& options, sdp::Session session,
                            const SignalContext& ctx)
{
	if (options.to_tag.empty())
		return Error{"missing key 'to-tag' (an answer needs it)"};
	if (options.from_tag == options.to_tag)
		return Error{"from-tag and to-tag are the same"};
	Monologue* receiver = call.find(options.from_tag);
	if (!receiver)
		return Error{"Unknown call-id or from-tag: no offer to answer"};
	if (auto r = check_answer_media(*receiver, session.media().size()); !r)
		return r.error();
	Monologue* sender = call.answerer(*receiver, options.to_tag, ctx.now_ms);
	if (!sender)
		return Error{"no offer to answer for this to-tag"};
	if (!options.label.empty())
		sender->label = options.label;
	Exchange ex{call, *sender, *receiver, options, ctx, OfferAnswer::kAnswer};
	auto r = process(ex, session);
	if (r && !call.answered_ms)
		call.answered_ms = ctx.now_ms;
	return r;
}

} // namespace rtprelay::call
