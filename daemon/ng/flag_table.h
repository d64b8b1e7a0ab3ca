// SPDX-License-Identifier: GPL-3.0-or-later
// Every flag and option key an offer, answer or delete understands, as one table: its name,
// the kind of value it takes and what it sets. parse_flags reads both request forms (native
// dictionary keys and the `flags` list, Kamailio's `rtpp-flags` string) through this table, so
// a flag behaves, and fails, the same whichever form carried it. A new flag is a new row.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <variant>

#include "net/address.h"
#include "util/result.h"

namespace rtprelay::ng {

struct SignallingFlags;

// A bare word: an item of the `flags` list, or a word without '=' in `rtpp-flags`.
struct WordFlag {
	void (*set)(SignallingFlags&);
};

// Text kept as given (`label`, `to-tag`, ...).
struct TextKey {
	void (*set)(SignallingFlags&, std::string_view);
};

// An integer in [min, max]: natively an integer or decimal text.
struct IntKey {
	int min;
	int max;
	const char* unit; // for the error text: "must be 0..86400 seconds"
	void (*set)(SignallingFlags&, int);
};

// One of a few named values; anything else is an error the row words itself.
struct KeyValue {
	std::string_view name; // canonical spelling
	void (*set)(SignallingFlags&);
};
struct EnumKey {
	std::span<const KeyValue> values;
	Error (*reject)(std::string_view value);
};

// Natively a list (or one string); each item added in order. In `rtpp-flags` the key repeats.
struct ListKey {
	void (*add)(SignallingFlags&, std::string_view);
};

// A list whose item v means the word `<key>-<v>`: `replace: ["origin"]` is `replace-origin`.
// An item naming no such word is ignored with a warning, as an unknown word is.
struct WordListKey {};

// An IP address literal; natively `[family, address]` when `family_pair` (received-from).
struct AddressKey {
	void (*set)(SignallingFlags&, const net::IpAddress&);
	bool family_pair = false;
};

// A key whose values are options of its own (`SDES`, `OSRTP`): natively a list of options, or one
// string of them separated by ','; as a word, `<key>-<option>` (`SDES-pad`). An option is one of
// `words`, else handed to `other` as written, case included, since part of it may be a name kept
// in its own spelling (`no-AES_CM_128_HMAC_SHA1_32`). An option neither knows is ignored with a
// warning, as an unknown word is.
struct OptionKey {
	std::span<const KeyValue> words;
	bool (*other)(SignallingFlags&, std::string_view option) = nullptr; // false: unknown
};

using FlagKind = std::variant<WordFlag, TextKey, IntKey, EnumKey, ListKey, WordListKey, AddressKey,
                              OptionKey>;

struct FlagRow {
	std::string_view name; // canonical spelling: lower case, '-' between words
	FlagKind kind;
};

std::span<const FlagRow> flag_table();

// The row for `name` under any spelling variant, or nullptr.
const FlagRow* find_flag(std::string_view name);

// The OptionKey row whose name, then '-', starts `word` under any spelling variant, or nullptr;
// `option` is set to the rest of `word`, as written.
const FlagRow* find_option_word(std::string_view word, std::string_view& option);

} // namespace rtprelay::ng
