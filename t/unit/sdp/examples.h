// SDP texts shared by the sdp unit tests: offer/answer examples from RFC 3264, RFC 4317 and
// RFC 8866, written with LF here and turned into CRLF by crlf(), plus small helpers.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sdp_examples {

inline std::string crlf(std::string_view lf)
{
	std::string out;
	for (char c : lf) {
		if (c == '\n')
			out += '\r';
		out += c;
	}
	return out;
}

inline std::string str(std::optional<std::string_view> v)
{
	return v ? std::string(*v) : std::string("<none>");
}

// RFC 4317 2.1: audio and video offer.
inline constexpr std::string_view kRfc4317Offer = R"(v=0
o=alice 2890844526 2890844526 IN IP4 host.atlanta.example.com
s=
c=IN IP4 host.atlanta.example.com
t=0 0
m=audio 49170 RTP/AVP 0 8 97
a=rtpmap:0 PCMU/8000
a=rtpmap:8 PCMA/8000
a=rtpmap:97 iLBC/8000
m=video 51372 RTP/AVP 31 32
a=rtpmap:31 H261/90000
a=rtpmap:32 MPV/90000
)";

// RFC 4317 2.1: the answer.
inline constexpr std::string_view kRfc4317Answer = R"(v=0
o=bob 2808844564 2808844564 IN IP4 host.biloxi.example.com
s=
c=IN IP4 host.biloxi.example.com
t=0 0
m=audio 49174 RTP/AVP 0
a=rtpmap:0 PCMU/8000
m=video 49170 RTP/AVP 32
a=rtpmap:32 MPV/90000
)";

// RFC 4317 2.3-style hold: the offerer goes sendonly.
inline constexpr std::string_view kRfc4317Hold = R"(v=0
o=alice 2890844526 2890844527 IN IP4 host.atlanta.example.com
s=
c=IN IP4 host.atlanta.example.com
t=0 0
m=audio 49170 RTP/AVP 0 97
a=rtpmap:0 PCMU/8000
a=rtpmap:97 iLBC/8000
a=sendonly
)";

// RFC 3264 10.1: answer rejecting the first video stream.
inline constexpr std::string_view kRfc3264Answer = R"(v=0
o=bob 2890844730 2890844730 IN IP4 host.example.com
s=
c=IN IP4 host.example.com
t=0 0
m=audio 49920 RTP/AVP 0
a=rtpmap:0 PCMU/8000
m=video 0 RTP/AVP 31
m=video 53000 RTP/AVP 32
a=rtpmap:32 MPV/90000
)";

// RFC 8866 5: the full example, every session-level line type.
inline constexpr std::string_view kRfc8866 = R"(v=0
o=jdoe 3724394400 3724394405 IN IP4 198.51.100.1
s=Call to John Smith
i=SDP Offer #1
u=http://www.jdoe.example.com/home.html
e=Jane Doe <jane@jdoe.example.com>
p=+1 617 555-6011
c=IN IP4 198.51.100.1
t=0 0
m=audio 49170 RTP/AVP 0
m=audio 49180 RTP/AVP 0
m=video 51372 RTP/AVP 99
c=IN IP6 2001:db8::2
a=rtpmap:99 h263-1998/90000
)";

// A WebRTC-style offer: ICE, DTLS, rtcp-mux, session-level ICE credentials.
inline constexpr std::string_view kWebrtc = R"(v=0
o=- 4611731400430051336 2 IN IP4 127.0.0.1
s=-
t=0 0
a=group:BUNDLE 0
a=ice-options:trickle
a=ice-lite
m=audio 54400 UDP/TLS/RTP/SAVPF 111 0
c=IN IP4 203.0.113.77
a=rtcp:9 IN IP4 0.0.0.0
a=candidate:1467250027 1 udp 2122260223 192.168.0.196 54400 typ host generation 0
a=candidate:3293317391 1 udp 1686052607 203.0.113.77 54400 typ srflx raddr 192.168.0.196 rport 54400
a=ice-ufrag:EsAw
a=ice-pwd:bP+XJMM09aR8AiX1jdukzR6Y
a=fingerprint:sha-256 DA:39:A3:EE:5E:6B:4B:0D:32:55:BF:EF:95:60:18:90
a=setup:actpass
a=mid:0
a=sendrecv
a=rtcp-mux
a=rtpmap:111 opus/48000/2
a=rtpmap:0 PCMU/8000
a=end-of-candidates
)";

} // namespace sdp_examples
