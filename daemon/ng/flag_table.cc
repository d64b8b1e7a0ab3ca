// SPDX-License-Identifier: GPL-3.0-or-later
#include "ng/flag_table.h"

#include <sys/socket.h>

#include <cctype>
#include <string>
#include <vector>

#include "ng/flags.h"
#include "util/strings.h"

namespace rtprelay::ng {
namespace {

using F = SignallingFlags;

// Flags asking for what the relay always does: accepted so that scripts written for rtpengine
// get no warning.
void relay_default(F&) {}

constexpr KeyValue kIceModes[] = {
        {"remove", [](F& f) { f.options.ice = call::IceMode::kRemove; }},
        {"default", [](F& f) { f.options.ice = call::IceMode::kDefault; }},
        // rtpengine's "only if the SDP had ICE": what default does here.
        {"optional", [](F& f) { f.options.ice = call::IceMode::kDefault; }},
        {"force", [](F& f) { f.options.ice = call::IceMode::kForce; }},
        // The relay's candidates are the only ones in any case.
        {"force-relay", [](F& f) { f.options.ice = call::IceMode::kForce; }},
};

// rtpengine's ICE-lite says on which side it is the lite agent; rtprelay always is (see
// docs/webrtc.md), so every value is taken and `off` (a full agent) changes nothing.
constexpr KeyValue kIceLiteModes[] = {
        {"forward", relay_default},
        {"backward", relay_default},
        {"both", relay_default},
        {"off", relay_default},
};

Error reject_ice_lite(std::string_view value)
{
	return Error{strprintf("ICE-lite=%s is not supported (forward, backward, both, off are)",
	                       printable(value).c_str())};
}

Error reject_ice(std::string_view value)
{
	return Error{strprintf("ICE=%s is not supported (remove, default, optional, force, "
	                       "force-relay are)",
	                       printable(value).c_str())};
}

// DTLS towards the receiver (DTLS) and, for the reverse direction, towards the sender
// (DTLS-reverse): off, or the role the relay prefers when the party lets it choose.
constexpr KeyValue kDtlsModes[] = {
        {"off", [](F& f) { f.options.dtls = call::DtlsMode::kOff; }},
        {"no", [](F& f) { f.options.dtls = call::DtlsMode::kOff; }},
        {"disable", [](F& f) { f.options.dtls = call::DtlsMode::kOff; }},
        {"disabled", [](F& f) { f.options.dtls = call::DtlsMode::kOff; }},
        {"passive", [](F& f) { f.options.dtls = call::DtlsMode::kPassive; }},
        {"active", [](F& f) { f.options.dtls = call::DtlsMode::kActive; }},
};
constexpr KeyValue kDtlsReverseModes[] = {
        {"passive", [](F& f) { f.options.dtls_reverse = call::DtlsMode::kPassive; }},
        {"active", [](F& f) { f.options.dtls_reverse = call::DtlsMode::kActive; }},
};

Error reject_dtls(std::string_view value)
{
	return Error{strprintf("DTLS=%s is not supported (off, passive, active are)",
	                       printable(value).c_str())};
}

constexpr KeyValue kFamilies[] = {
        {"ip4", [](F& f) { f.options.address_family = AF_INET; }},
        {"ipv4", [](F& f) { f.options.address_family = AF_INET; }},
        {"ip6", [](F& f) { f.options.address_family = AF_INET6; }},
        {"ipv6", [](F& f) { f.options.address_family = AF_INET6; }},
};

Error reject_family(std::string_view value)
{
	return Error{
	        strprintf("address family '%s' is neither IP4 nor IP6", printable(value).c_str())};
}

constexpr int kMaxDeleteDelay = 86400; // a day; anything longer is a typo

// The next item of a `sep`-separated list, trimmed; consumes it from `rest`.
std::string_view next_item(std::string_view& rest, char sep)
{
	size_t end = rest.find(sep);
	std::string_view item = rest.substr(0, end);
	rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
	return trim(item);
}

// Strips `prefix` (canonical spelling) from the front of `s` under any spelling variant.
bool strip_prefix(std::string_view& s, std::string_view prefix)
{
	if (s.size() < prefix.size() || !flag_equals(s.substr(0, prefix.size()), prefix))
		return false;
	s.remove_prefix(prefix.size());
	return true;
}

// SDES options (docs/rtpengine-sdes.md) that are words of their own.
constexpr KeyValue kSdesWords[] = {
        {"off", [](F& f) { f.options.sdes.off = true; }},
        {"no", [](F& f) { f.options.sdes.off = true; }},
        {"disable", [](F& f) { f.options.sdes.off = true; }},
        {"disabled", [](F& f) { f.options.sdes.off = true; }},
        {"unencrypted-srtp", [](F& f) { f.options.sdes.unencrypted_srtp = true; }},
        {"encrypted-srtp", [](F& f) { f.options.sdes.unencrypted_srtp = false; }},
        {"unencrypted-srtcp", [](F& f) { f.options.sdes.unencrypted_srtcp = true; }},
        {"encrypted-srtcp", [](F& f) { f.options.sdes.unencrypted_srtcp = false; }},
        {"unauthenticated-srtp", [](F& f) { f.options.sdes.unauthenticated_srtp = true; }},
        {"authenticated-srtp", [](F& f) { f.options.sdes.unauthenticated_srtp = false; }},
        {"lifetime", [](F& f) { f.options.sdes.lifetime = true; }},
        {"pad", [](F& f) { f.options.sdes.pad = true; }},
        {"static", [](F& f) { f.options.sdes.static_ = true; }},
        {"nonew", [](F& f) { f.options.sdes.nonew = true; }},
        {"prefer", [](F& f) { f.options.sdes.prefer = true; }},
        {"priority", [](F& f) { f.options.sdes.prefer = true; }},
};

// SDES options that name suites after a prefix: one suite, or a ';'-separated list.
struct SuiteOption {
	std::string_view prefix; // canonical spelling, as a flag name
	std::vector<std::string> crypto::SdesOptions::*suites;
	bool list;
};
constexpr SuiteOption kSdesSuiteOptions[] = {
        {"no-", &crypto::SdesOptions::no, false},
        {"only-", &crypto::SdesOptions::only, false},
        {"order:", &crypto::SdesOptions::order, true},
        {"offerer-pref:", &crypto::SdesOptions::offerer_pref, true},
};

// A suite as rtpengine writes it, upper case with '_': the flag spelling rules let
// `SDES-no-aes-cm-128-hmac-sha1-32` name AES_CM_128_HMAC_SHA1_32, and signalling compares
// names, so it must get them in one spelling.
std::string canonical_suite(std::string_view name)
{
	std::string out(name);
	for (char& c : out)
		c = c == '-' || c == ' '
		            ? '_'
		            : static_cast<char>(toupper(static_cast<unsigned char>(c)));
	return out;
}

// False when no suite is named (`SDES-no-`, `SDES-order:;`): a typo, warned about.
bool add_suites(F& f, const SuiteOption& option, std::string_view names)
{
	std::vector<std::string>& out = f.options.sdes.*option.suites;
	if (!option.list) {
		names = trim(names);
		if (names.empty())
			return false;
		out.push_back(canonical_suite(names));
		return true;
	}
	size_t before = out.size();
	while (!names.empty())
		if (std::string_view name = next_item(names, ';'); !name.empty())
			out.push_back(canonical_suite(name));
	return out.size() > before;
}

bool set_sdes_suites(F& f, std::string_view option)
{
	for (const SuiteOption& suites : kSdesSuiteOptions)
		if (std::string_view rest = option; strip_prefix(rest, suites.prefix))
			return add_suites(f, suites, rest);
	return false;
}

// OSRTP (RFC 8643). rtpengine's `offer-legacy` and `accept-legacy` (SRTP and RTP as two m=
// lines) are not here: unknown, with a warning.
constexpr KeyValue kOsrtpOptions[] = {
        {"offer", [](F& f) { f.options.osrtp_offer = true; }},
        {"offer-rfc", [](F& f) { f.options.osrtp_offer = true; }},
        {"accept", [](F& f) { f.options.osrtp_accept = true; }},
        {"accept-rfc", [](F& f) { f.options.osrtp_accept = true; }},
};

const FlagRow kRows[] = {
        // Parties
        {"from-tag", TextKey{[](F& f, std::string_view v) { f.options.from_tag = v; }}},
        {"to-tag", TextKey{[](F& f, std::string_view v) { f.options.to_tag = v; }}},
        {"via-branch", TextKey{[](F& f, std::string_view v) { f.options.via_branch = v; }}},
        {"label", TextKey{[](F& f, std::string_view v) { f.options.label = v; }}},

        // Interfaces and transport
        {"direction",
         ListKey{[](F& f, std::string_view v) { f.options.direction.emplace_back(v); }}},
        {"address-family", EnumKey{kFamilies, reject_family}},
        {"transport-protocol",
         TextKey{[](F& f, std::string_view v) { f.options.transport_protocol = v; }}},

        // Where the sender's media comes from
        {"media-address",
         AddressKey{[](F& f, const net::IpAddress& ip) { f.options.media_address = ip; }}},
        {"received-from",
         AddressKey{[](F& f, const net::IpAddress& ip) { f.options.received_from = ip; }, true}},
        {"sip-source-address", WordFlag{[](F& f) { f.options.sip_source_address = true; }}},
        {"trust-address", WordFlag{[](F& f) { f.options.trust_address = true; }}},

        // Endpoint learning
        {"symmetric", WordFlag{relay_default}},
        {"asymmetric", WordFlag{[](F& f) { f.options.asymmetric = true; }}},
        {"strict-source", WordFlag{[](F& f) { f.options.strict_source = true; }}},

        // SDP rewriting
        {"replace", WordListKey{}},
        {"replace-origin", WordFlag{[](F& f) { f.options.replace_origin = true; }}},
        {"replace-session-connection", WordFlag{relay_default}},
        {"replace-sdp-version", WordFlag{[](F& f) { f.options.replace_sdp_version = true; }}},
        {"rtcp-mux", WordListKey{}},
        {"rtcp-mux-offer", WordFlag{[](F& f) { f.options.rtcp_mux.offer = true; }}},
        {"rtcp-mux-demux", WordFlag{[](F& f) { f.options.rtcp_mux.demux = true; }}},
        {"rtcp-mux-accept", WordFlag{[](F& f) { f.options.rtcp_mux.accept = true; }}},
        {"rtcp-mux-reject", WordFlag{[](F& f) { f.options.rtcp_mux.reject = true; }}},
        {"rtcp-mux-require", WordFlag{[](F& f) { f.options.rtcp_mux.require = true; }}},
        {"strip-extmap", WordFlag{[](F& f) { f.options.strip_extmap = true; }}},
        {"generate-mid", WordFlag{[](F& f) { f.options.generate_mid = true; }}},
        {"ice", EnumKey{kIceModes, reject_ice}},
        {"ice-remove", WordFlag{[](F& f) { f.options.ice = call::IceMode::kRemove; }}},
        {"ice-lite", EnumKey{kIceLiteModes, reject_ice_lite}},

        // SRTP
        {"dtls", EnumKey{kDtlsModes, reject_dtls}},
        {"dtls-reverse", EnumKey{kDtlsReverseModes, reject_dtls}},
        {"sdes", OptionKey{kSdesWords, set_sdes_suites}},
        {"pad-crypto", WordFlag{[](F& f) { f.options.sdes.pad = true; }}}, // legacy SDES-pad
        {"osrtp", OptionKey{kOsrtpOptions}},

        // delete
        {"delete-delay",
         IntKey{0, kMaxDeleteDelay, "seconds", [](F& f, int secs) { f.delete_delay = secs; }}},
        {"fatal", WordFlag{[](F& f) { f.fatal = true; }}},
};

} // namespace

std::span<const FlagRow> flag_table()
{
	return kRows;
}

const FlagRow* find_flag(std::string_view name)
{
	for (const FlagRow& row : kRows)
		if (flag_equals(name, row.name))
			return &row;
	return nullptr;
}

const FlagRow* find_option_word(std::string_view word, std::string_view& option)
{
	for (const FlagRow& row : kRows) {
		if (!std::holds_alternative<OptionKey>(row.kind))
			continue;
		std::string_view rest = word;
		if (strip_prefix(rest, row.name) && strip_prefix(rest, "-")) {
			option = rest;
			return &row;
		}
	}
	return nullptr;
}

} // namespace rtprelay::ng
