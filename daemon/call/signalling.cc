#include "call/signalling.h"

#include <sys/socket.h>

#include "call/kernelizer.h"
#include "call/party.h"
#include "media/forwarder.h"
#include "media/media_loop.h"
#include "sdp/writer.h"
#include "util/strings.h"

namespace rtprelay::call {
namespace {

media::LearningMode learning_mode(const Config& config)
{
	return config.endpoint_learning;
}

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

Result<void> ensure_allocated(Media& m, const SignalContext& ctx,
                              const media::LogicalInterface& iface, int family, bool strict)
{
	if (m.allocated())
		return {};
	auto a = ctx.interfaces.allocate(iface, family, strict);
	if (!a)
		return a.error();
	m.allocation = std::move(a).value();
	m.rtp.socket = &m.allocation.lease.rtp;
	m.rtcp.socket = &m.allocation.lease.rtcp;
	return {};
}

Result<void> watch_media(Media& m, media::MediaLoop& loop)
{
	for (Stream* s : {&m.rtp, &m.rtcp})
		if (auto r = media::watch(*s, loop); !r)
			return r;
	return {};
}

Result<void> check_transport(const std::string& proto)
{
	if (proto.empty() || proto == "RTP/AVP" || proto == "RTP/AVPF")
		return {};
	if (sdp::is_srtp(sdp::protocol_from_name(proto)))
		return Error{strprintf("transport-protocol %s: SRTP is not supported yet",
		                       printable(proto).c_str())};
	return Error{strprintf("transport-protocol %s is not supported", printable(proto).c_str())};
}

// Rewrites one m= section so the other party sends to the relay's socket `out` faces it with.
void rewrite_media(sdp::Session& session, sdp::Media& section, const Media& from, const Media& out,
                   const std::string& protocol, bool mux)
{
	if (from.rejected) {
		section.set_port(0);
		return;
	}
	section.set_port(out.allocation.lease.rtp.local.port());
	section.set_port_count(1);
	if (!protocol.empty() && sdp::is_rtp(section.protocol_kind()))
		section.set_protocol(protocol);
	section.set_rtcp_mux(mux);
	uint16_t rtcp_port = mux ? out.allocation.lease.rtp.local.port()
	                         : out.allocation.lease.rtcp.local.port();
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

// The work common to offer and answer. `sender_side` is 0 when the sender is the from-tag
// party (offer) and 1 when it is the to-tag party (answer): it picks the direction entry.
Result<SignalResult> process(Call& call, Monologue& sender, Monologue& receiver,
                             const SignalOptions& options, sdp::Session& session,
                             const SignalContext& ctx, bool is_offer)
{
	SignalResult result;
	auto sender_if = interface_for(ctx, options, is_offer ? 0 : 1);
	if (!sender_if)
		return sender_if.error();
	auto receiver_if = interface_for(ctx, options, is_offer ? 1 : 0);
	if (!receiver_if)
		return receiver_if.error();
	if (is_offer)
		if (auto r = check_transport(options.transport_protocol); !r)
			return r.error();
	link(sender, receiver);

	// First the call state (parties, sockets, learning, mux); then, once the session-level
	// address is known, the text of each m= section.
	struct Decision {
		std::string protocol;
		bool mux = false;
	};
	std::vector<Decision> decisions;
	int index = 0;
	for (sdp::Media& section : session.media()) {
		index++;
		Media& sm = sender.media_at(index);
		Media& rm = receiver.media_at(index);
		sm.peer = &rm;
		rm.peer = &sm;
		kernel_take_back(sm); // signalling may change anything the kernel was told
		bool changed = read_party(sm, session, section, options);
		decisions.emplace_back();
		if (sm.rejected)
			continue;
		int family = sm.sdp_rtp ? sm.sdp_rtp->ip().family() : AF_UNSPEC;
		if (auto r = ensure_allocated(sm, ctx, **sender_if, family, false); !r)
			return r.error();
		int out_family = options.address_family ? options.address_family : family;
		if (auto r = ensure_allocated(rm, ctx, **receiver_if, out_family,
		                              options.address_family != 0);
		    !r)
			return r.error();
		if (changed) {
			bool strict = options.strict_source;
			sm.rtp.learning.reset(sm.sdp_rtp, learning_mode(ctx.config),
			                      options.asymmetric, strict);
			sm.rtcp.learning.reset(sm.sdp_rtcp, learning_mode(ctx.config),
			                       options.asymmetric, strict);
		}
		Decision& d = decisions.back();
		if (is_offer) {
			d.mux = (sm.offered_mux && !options.rtcp_mux.demux &&
			         !options.rtcp_mux.reject) ||
			        options.rtcp_mux.offer;
			sm.accept_mux = options.rtcp_mux.accept;
			sm.rtcp_mux = sm.offered_mux;
			rm.rtcp_mux = d.mux;
			d.protocol = options.transport_protocol.empty()
			                     ? sm.protocol
			                     : options.transport_protocol;
			rm.protocol = d.protocol;
		} else {
			sm.rtcp_mux = sm.offered_mux;
			rm.rtcp_mux = rm.offered_mux && (sm.rtcp_mux || rm.accept_mux);
			d.mux = rm.rtcp_mux;
			d.protocol = rm.protocol;
		}
		auto& loop = call.loop();
		if (auto r = watch_media(sm, loop); !r)
			return r.error();
		if (auto r = watch_media(rm, loop); !r)
			return r.error();
	}
	rewrite_session(session, receiver, ctx, options);
	for (size_t i = 0; i < session.media().size(); i++) {
		const Media& sm = *sender.medias[i];
		rewrite_media(session, session.media()[i], sm, *sm.peer, decisions[i].protocol,
		              decisions[i].mux);
	}
	// ICE would let the parties bypass the relay; until ICE exists its attributes go.
	if (session.remove_all_ice() > 0 && options.ice != IceMode::kRemove)
		result.warnings.push_back("ICE attributes removed: ICE is not supported yet");
	result.sdp = write_versioned(session, receiver, options);
	call.last_signal_ms = ctx.now_ms;
	return result;
}

} // namespace

Result<SignalResult> offer(Call& call, const SignalOptions& options, sdp::Session session,
                           const SignalContext& ctx)
{
	if (options.from_tag == options.to_tag)
		return Error{"from-tag and to-tag are the same"};
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
	return process(call, sender, *receiver, options, session, ctx, true);
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
	Monologue* sender = call.find(options.to_tag);
	if (!sender) {
		// The first answer names the monologue the offer created; a later fork takes it
		// over.
		sender = receiver->peer;
		if (!sender)
			return Error{"no offer to answer for this to-tag"};
		if (!sender->tag.empty())
			sender->old_tags.push_back(sender->tag);
		sender->tag = options.to_tag;
	}
	if (!options.label.empty())
		sender->label = options.label;
	auto r = process(call, *sender, *receiver, options, session, ctx, false);
	if (r && !call.answered_ms)
		call.answered_ms = ctx.now_ms;
	return r;
}

} // namespace rtprelay::call
