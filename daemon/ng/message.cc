// SPDX-License-Identifier: GPL-3.0-or-later
#include "ng/message.h"

#include "ng/bencode.h"
#include "ng/json.h"
#include "util/strings.h"

namespace rtprelay::ng {

std::optional<Framing> split_message(std::string_view datagram)
{
	size_t space = datagram.find(' ');
	if (space == 0 || space == std::string_view::npos || space > kMaxCookieLength)
		return std::nullopt;
	for (size_t i = 0; i < space; i++) {
		unsigned char c = static_cast<unsigned char>(datagram[i]);
		if (c <= 0x20 || c >= 0x7f)
			return std::nullopt;
	}
	Framing f;
	f.cookie = datagram.substr(0, space);
	f.body = datagram.substr(space + 1);
	// Whitespace around the dictionary is tolerated: `echo ... | nc -u` appends a newline.
	f.body = trim(f.body);
	f.encoding =
	        !f.body.empty() && f.body.front() == '{' ? Encoding::kJson : Encoding::kBencode;
	return f;
}

Result<Value> decode_body(const Framing& framing, Arena& arena)
{
	if (framing.body.empty())
		return Error{"empty message: expected a dictionary after the cookie"};
	if (framing.body.size() > kMaxMessageSize)
		return Error{"message too large"};
	if (framing.encoding == Encoding::kBencode && framing.body.front() != 'd')
		return Error{"message must be a bencoded dictionary ('d...e') or a JSON object"};
	auto v = framing.encoding == Encoding::kJson ? json_decode(framing.body, arena)
	                                             : bencode_decode(framing.body, arena);
	if (!v)
		return v;
	if (!v->is_dict())
		return Error{"message must be a dictionary"};
	return v;
}

namespace {
void append_body(const Value& reply, Encoding encoding, std::string& out)
{
	if (encoding == Encoding::kJson) {
		json_encode(reply, out);
		return;
	}
	out.reserve(out.size() + bencode_size(reply));
	bencode_encode(reply, out);
}
} // namespace

std::string encode_reply(std::string_view cookie, const Value& reply, Encoding encoding)
{
	std::string out;
	out.reserve(cookie.size() + 64);
	out += cookie;
	out += ' ';
	append_body(reply, encoding, out);
	return out;
}

std::string encode_body(const Value& reply, Encoding encoding)
{
	std::string out;
	append_body(reply, encoding, out);
	return out;
}

} // namespace rtprelay::ng
