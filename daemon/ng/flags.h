// ng request dictionary → typed signalling flags for offer/answer/delete. Both forms rtpengine
// documents are read: native keys and lists, and the `rtpp-flags` string; spellings with '-',
// '_' or ' ' and any letter case are equivalent. Unknown flags are collected for `warning`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "net/address.h"
#include "ng/value.h"
#include "util/result.h"

namespace rtprelay::ng {

enum class IceMode { kDefault, kRemove };

struct SignallingFlags {
	std::string call_id;
	std::string from_tag;
	std::string to_tag;
	std::string via_branch;
	std::string label;
	std::string sdp;

	std::vector<std::string> direction; // interface names for [from, to]
	bool replace_origin = false;
	bool replace_session_connection = false;
	bool replace_sdp_version = false;
	IceMode ice = IceMode::kDefault;
	bool trust_address = false;
	bool sip_source_address = false;
	std::optional<net::IpAddress> received_from;
	std::optional<net::IpAddress> media_address;
	bool symmetric = false;
	bool asymmetric = false;
	bool strict_source = false;
	int address_family = 0;         // AF_UNSPEC, AF_INET or AF_INET6
	std::string transport_protocol; // empty: keep the offered one
	bool rtcp_mux_offer = false;
	bool rtcp_mux_demux = false;
	bool rtcp_mux_accept = false;
	bool rtcp_mux_reject = false;
	std::optional<int> delete_delay;
	bool fatal = false;

	std::vector<std::string> unknown; // flags we ignored, for the reply's `warning`
};

// Canonical spelling used for comparisons: lower case, '_' and ' ' become '-'.
std::string normalize_flag(std::string_view s);

// normalize_flag(s) == canonical, without building a string (request keys are looked up often).
bool flag_equals(std::string_view s, std::string_view canonical);

// A key of the request dictionary under any spelling variant.
const Value* find_key(const Value& dict, std::string_view canonical);

// Reads everything; fails only for values of the wrong type or unparsable values of keys we
// use (e.g. a bad `media-address`), naming the key.
Result<SignallingFlags> parse_flags(const Value& params);

} // namespace rtprelay::ng
