// SPDX-License-Identifier: GPL-3.0-or-later
#include "ng/bencode.h"

#include <charconv>
#include <limits>

#include "util/strings.h"

namespace rtprelay::ng {
namespace {

class Decoder {
public:
	Decoder(std::string_view in, Arena& arena) : in_(in), arena_(arena) {}

	Result<Value> decode_all()
	{
		Value v;
		if (!value(v, 1))
			return error_;
		if (pos_ != in_.size())
			return fail("trailing data after the value");
		return v;
	}

private:
	Error fail(const char* what)
	{
		error_ = Error{strprintf("malformed bencode at offset %zu: %s", pos_, what)};
		return error_;
	}

	bool at_end() const { return pos_ >= in_.size(); }
	char peek() const { return in_[pos_]; }
	static bool is_digit(char c) { return c >= '0' && c <= '9'; }

	// Digits up to `terminator`, no leading zeros, no overflow; pos_ ends past the terminator.
	bool number(char terminator, bool allow_negative, int64_t& out)
	{
		bool negative = false;
		if (allow_negative && !at_end() && peek() == '-') {
			negative = true;
			pos_++;
		}
		size_t start = pos_;
		uint64_t v = 0;
		const uint64_t limit =
		        negative ? uint64_t{1} << 63 : std::numeric_limits<int64_t>::max();
		while (!at_end() && is_digit(peek())) {
			uint64_t d = static_cast<uint64_t>(peek() - '0');
			if (v > (limit - d) / 10) {
				fail("number out of range");
				return false;
			}
			v = v * 10 + d;
			pos_++;
		}
		size_t digits = pos_ - start;
		if (digits == 0) {
			fail(at_end() ? "truncated number" : "expected a digit");
			return false;
		}
		if (digits > 1 && in_[start] == '0') {
			fail("leading zero in number");
			return false;
		}
		if (negative && v == 0) {
			fail("negative zero");
			return false;
		}
		if (at_end() || peek() != terminator) {
			fail(at_end()            ? "truncated number"
			     : terminator == 'e' ? "expected 'e' after integer"
			                         : "expected ':' after string length");
			return false;
		}
		pos_++;
		out = negative ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
		return true;
	}

	bool string(std::string_view& out)
	{
		int64_t len = 0;
		if (!number(':', false, len))
			return false;
		if (static_cast<uint64_t>(len) > in_.size() - pos_) {
			fail("string runs past the end of the message");
			return false;
		}
		out = in_.substr(pos_, static_cast<size_t>(len));
		pos_ += static_cast<size_t>(len);
		return true;
	}

	bool value(Value& out, int depth)
	{
		if (at_end()) {
			fail("truncated message, expected a value");
			return false;
		}
		char c = peek();
		if (c == 'i') {
			pos_++;
			int64_t v = 0;
			if (!number('e', true, v))
				return false;
			out = Value::integer(v);
			return true;
		}
		if (is_digit(c)) {
			std::string_view s;
			if (!string(s))
				return false;
			out = Value::string(s);
			return true;
		}
		if (c != 'l' && c != 'd') {
			fail("expected i, l, d or a string length");
			return false;
		}
		if (depth > kMaxDepth) {
			fail("nested deeper than 32 levels");
			return false;
		}
		pos_++;
		return c == 'l' ? list(out, depth) : dict(out, depth);
	}

	// After the 'l': items up to the closing 'e'.
	bool list(Value& out, int depth)
	{
		out = Value::list(arena_);
		while (true) {
			if (at_end()) {
				fail("truncated list");
				return false;
			}
			if (peek() == 'e') {
				pos_++;
				return true;
			}
			Value item;
			if (!value(item, depth + 1))
				return false;
			out.push(item);
		}
	}

	// After the 'd': key, value pairs up to the closing 'e'.
	bool dict(Value& out, int depth)
	{
		out = Value::dict(arena_);
		while (true) {
			if (at_end()) {
				fail("truncated dictionary");
				return false;
			}
			if (peek() == 'e') {
				pos_++;
				return true;
			}
			if (!is_digit(peek())) {
				fail("dictionary key must be a string");
				return false;
			}
			std::string_view key;
			Value item;
			if (!string(key) || !value(item, depth + 1))
				return false;
			out.append(key, item);
		}
	}

	std::string_view in_;
	Arena& arena_;
	size_t pos_ = 0;
	Error error_;
};

// Decimal digits without a temporary string: a large reply has hundreds of numbers.
void append_decimal(int64_t n, std::string& out)
{
	char digits[24];
	auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
	out.append(digits, end);
}

size_t decimal_size(int64_t n)
{
	char digits[24];
	return static_cast<size_t>(std::to_chars(digits, digits + sizeof digits, n).ptr - digits);
}

size_t string_size(std::string_view s)
{
	return decimal_size(static_cast<int64_t>(s.size())) + 1 + s.size();
}

void append_string(std::string_view s, std::string& out)
{
	append_decimal(static_cast<int64_t>(s.size()), out);
	out += ':';
	out += s;
}

} // namespace

Result<Value> bencode_decode(std::string_view in, Arena& arena)
{
	return Decoder(in, arena).decode_all();
}

size_t bencode_size(const Value& v)
{
	switch (v.type()) {
	case Value::Type::kInt: return decimal_size(v.as_int()) + 2;
	case Value::Type::kString: return string_size(v.as_string());
	case Value::Type::kList: {
		size_t n = 2;
		for (const auto& item : v.as_list())
			n += bencode_size(item);
		return n;
	}
	case Value::Type::kDict: {
		size_t n = 2;
		for (const auto& m : v.as_dict())
			n += string_size(m.key) + bencode_size(m.value);
		return n;
	}
	}
	return 0;
}

void bencode_encode(const Value& v, std::string& out)
{
	switch (v.type()) {
	case Value::Type::kInt:
		out += 'i';
		append_decimal(v.as_int(), out);
		out += 'e';
		return;
	case Value::Type::kString: append_string(v.as_string(), out); return;
	case Value::Type::kList:
		out += 'l';
		for (const auto& item : v.as_list())
			bencode_encode(item, out);
		out += 'e';
		return;
	case Value::Type::kDict:
		out += 'd';
		for (const auto& m : v.as_dict()) {
			append_string(m.key, out);
			bencode_encode(m.value, out);
		}
		out += 'e';
		return;
	}
}

} // namespace rtprelay::ng
