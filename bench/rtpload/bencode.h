// A small bencode (BEP 3) value with an encoder and a decoder, enough for ng requests and
// replies. Not on the packet path: values own their strings.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"

namespace rtpload {

struct BValue {
	enum class Kind { integer, string, list, dict };

	Kind kind = Kind::string;
	int64_t integer = 0;
	std::string string;
	std::vector<BValue> items;     // list elements, or dict values
	std::vector<std::string> keys; // dict keys, parallel to items

	static BValue str(std::string s);
	static BValue num(int64_t n);
	static BValue list(std::vector<BValue> elements);
	static BValue dict();

	// Appends key → value to a dict (keeps insertion order, as Kamailio does).
	BValue& add(std::string key, BValue value);
	const BValue* find(std::string_view key) const;
	// The string under `key`, or `fallback` when absent or not a string.
	std::string_view get_str(std::string_view key, std::string_view fallback = {}) const;
};

void bencode_encode(const BValue& v, std::string& out);
Result<BValue> bencode_decode(std::string_view in);

} // namespace rtpload
