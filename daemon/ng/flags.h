// SPDX-License-Identifier: GPL-3.0-or-later
// ng request dictionary → typed signalling flags for offer/answer/delete. Both forms rtpengine
// documents are read: native keys and lists, and the `rtpp-flags` string; spellings with '-',
// '_' or ' ' and any letter case are equivalent. Unknown flags are collected for `warning`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "call/signal_options.h"
#include "ng/value.h"
#include "util/result.h"

namespace rtprelay::ng {

// A parsed offer, answer or delete request: what the call layer is asked (`options`) and what
// only the ng command itself uses.
struct SignallingFlags {
	std::string call_id;
	std::string sdp;
	call::SignalOptions options;
	std::optional<int> delete_delay; // seconds; unset: the configured --delete-delay
	bool fatal = false;              // delete: an unknown call is an error, not a warning

	std::vector<std::string> unknown; // flags we ignored, for the reply's `warning`

	bool operator==(const SignallingFlags&) const = default;
};

// Canonical spelling used for comparisons: lower case, '_' and ' ' become '-'.
std::string normalize_flag(std::string_view s);

// normalize_flag(s) == canonical, without building a string (request keys are looked up often).
bool flag_equals(std::string_view s, std::string_view canonical);

// A key of the request dictionary under any spelling variant.
const Value* find_key(const Value& dict, std::string_view canonical);

// Reads `call-id`, `sdp` and every key and word of the flag table (ng/flag_table.h) in both
// forms; fails only for values of the wrong type or unparsable values (e.g. a bad
// `media-address`), naming the key.
Result<SignallingFlags> parse_flags(const Value& params);

} // namespace rtprelay::ng
