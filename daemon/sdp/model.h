// SPDX-License-Identifier: GPL-3.0-or-later
// The SDP model offer/answer rewrites: a Session (the session section plus its media
// sections) keeps every line in order and verbatim, so unknown lines and attributes survive
// and output is deterministic; typed accessors and mutators sit on top for what the relay
// changes (o=, c=, m= fields, direction, a=rtcp, a=rtcp-mux, a=mid, ICE).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sdp/media_line.h"
#include "sdp/origin.h"
#include "sdp/section.h"

namespace rtprelay::sdp {

// One m= section; its first line is always the m= line.
class Media : public Section {
public:
	// A section holding only "m=<m_value>", verbatim (the parser's way in).
	explicit Media(std::string m_value);
	// A section holding only the formatted m= line.
	explicit Media(const MediaLine& m) : Media(m.to_string()) {}

	// The parsed m= line (a default MediaLine if raw edits made it unparsable).
	MediaLine media_line() const;
	void set_media_line(const MediaLine& m);

	std::string type() const { return media_line().type; }
	uint16_t port() const { return media_line().port; }
	uint32_t port_count() const { return media_line().port_count; }
	std::string protocol() const { return media_line().protocol; }
	Protocol protocol_kind() const { return media_line().protocol_kind(); }
	std::vector<std::string> formats() const { return media_line().formats; }
	// A rejected (or disabled) stream has port 0 (RFC 3264 6).
	bool is_rejected() const { return port() == 0; }

	void set_port(uint16_t port);
	// 0 or 1 drops the "/count"; capped at kMaxPortCount.
	void set_port_count(uint32_t count);
	void set_protocol(std::string_view protocol);
	void set_protocol(Protocol p) { set_protocol(protocol_name(p)); }
	void set_formats(std::vector<std::string> formats);

	// a=rtcp: nullopt if absent or malformed (a malformed one is ignored, not an error).
	std::optional<RtcpAttr> rtcp() const;
	void set_rtcp(const RtcpAttr& rtcp) { set_attr("rtcp", rtcp.to_string()); }
	bool remove_rtcp() { return remove_attr("rtcp") > 0; }

	bool rtcp_mux() const { return has_attr("rtcp-mux"); }
	void set_rtcp_mux(bool on);

	std::optional<std::string_view> mid() const { return attr("mid"); }
	void set_mid(std::string_view mid) { set_attr("mid", mid); }
};

class Session : public Section {
public:
	Session() : Section(Kind::kSession) {}

	std::vector<Media>& media() { return media_; }
	const std::vector<Media>& media() const { return media_; }

	// o=: nullopt if absent (only possible through raw edits; the parser requires it).
	std::optional<Origin> origin() const;
	// Replaces o= in place, or inserts it after v=.
	void set_origin(const Origin& o);

	// The c= that applies to m: its own, else the session's.
	std::optional<Connection> effective_connection(const Media& m) const;
	// The first a=name of m, else of the session (ICE credentials, DTLS fingerprint and
	// setup may stand at either level). The view points into m or the session.
	std::optional<std::string_view> effective_attr(const Media& m, std::string_view name) const;
	// m's direction attribute, else the session's, else sendrecv; a hold address in the
	// effective c= (0.0.0.0, RFC 2543) takes away the receiving half.
	Direction effective_direction(const Media& m) const;
	// m's side does not want to receive: effectively sendonly or inactive.
	bool is_on_hold(const Media& m) const { return !receives(effective_direction(m)); }

	// remove_ice() on the session section and on every media section.
	size_t remove_all_ice();

private:
	std::vector<Media> media_;
};

} // namespace rtprelay::sdp
