// Bencode encoder and a strict recursive decoder for ng messages.
#include "bencode.h"

#include <charconv>

namespace rtpload {

BValue BValue::str(std::string s)
{
	BValue v;
	v.kind = Kind::string;
	v.string = std::move(s);
	return v;
}

BValue BValue::num(int64_t n)
{
	BValue v;
	v.kind = Kind::integer;
	v.integer = n;
	return v;
}

BValue BValue::list(std::vector<BValue> elements)
{
	BValue v;
	v.kind = Kind::list;
	v.items = std::move(elements);
	return v;
}

BValue BValue::dict()
{
	BValue v;
	v.kind = Kind::dict;
	return v;
}

BValue& BValue::add(std::string key, BValue value)
{
	keys.push_back(std::move(key));
	items.push_back(std::move(value));
	return *this;
}

const BValue* BValue::find(std::string_view key) const
{
	if (kind != Kind::dict)
		return nullptr;
	for (size_t i = 0; i < keys.size(); i++)
		if (keys[i] == key)
			return &items[i];
	return nullptr;
}

std::string_view BValue::get_str(std::string_view key, std::string_view fallback) const
{
	const BValue* v = find(key);
	if (!v || v->kind != Kind::string)
		return fallback;
	return v->string;
}

void bencode_encode(const BValue& v, std::string& out)
{
	switch (v.kind) {
	case BValue::Kind::integer:
		out += 'i';
		out += std::to_string(v.integer);
		out += 'e';
		break;
	case BValue::Kind::string:
		out += std::to_string(v.string.size());
		out += ':';
		out += v.string;
		break;
	case BValue::Kind::list:
		out += 'l';
		for (const BValue& e : v.items)
			bencode_encode(e, out);
		out += 'e';
		break;
	case BValue::Kind::dict:
		out += 'd';
		for (size_t i = 0; i < v.keys.size(); i++) {
			bencode_encode(BValue::str(v.keys[i]), out);
			bencode_encode(v.items[i], out);
		}
		out += 'e';
		break;
	}
}

namespace {

constexpr int kMaxDepth = 32;

class Decoder {
public:
	explicit Decoder(std::string_view in) : in_(in) {}

	Result<BValue> all()
	{
		BValue v;
		if (!value(v, 0))
			return Error{error_};
		if (pos_ != in_.size())
			return Error{"trailing data after the bencoded value"};
		return v;
	}

private:
	bool fail(const char* what)
	{
		error_ = std::string("malformed bencode at offset ") + std::to_string(pos_) + ": " +
		         what;
		return false;
	}

	bool number(char end, int64_t& n)
	{
		size_t stop = in_.find(end, pos_);
		if (stop == std::string_view::npos)
			return fail("unterminated number");
		auto [p, ec] = std::from_chars(in_.data() + pos_, in_.data() + stop, n);
		if (ec != std::errc() || p != in_.data() + stop)
			return fail("bad number");
		pos_ = stop + 1;
		return true;
	}

	bool string(std::string& s)
	{
		int64_t len = 0;
		if (!number(':', len) || len < 0)
			return len < 0 ? fail("negative length") : false;
		if (static_cast<size_t>(len) > in_.size() - pos_)
			return fail("string runs past the end");
		s.assign(in_.substr(pos_, static_cast<size_t>(len)));
		pos_ += static_cast<size_t>(len);
		return true;
	}

	bool value(BValue& v, int depth)
	{
		if (depth > kMaxDepth)
			return fail("nested too deeply");
		if (pos_ >= in_.size())
			return fail("truncated");
		char c = in_[pos_];
		if (c == 'i') {
			pos_++;
			v.kind = BValue::Kind::integer;
			return number('e', v.integer);
		}
		if (c >= '0' && c <= '9') {
			v.kind = BValue::Kind::string;
			return string(v.string);
		}
		if (c != 'l' && c != 'd')
			return fail("unexpected byte");
		pos_++;
		v.kind = c == 'l' ? BValue::Kind::list : BValue::Kind::dict;
		while (pos_ < in_.size() && in_[pos_] != 'e') {
			if (v.kind == BValue::Kind::dict) {
				if (in_[pos_] < '0' || in_[pos_] > '9')
					return fail("dictionary key is not a string");
				v.keys.emplace_back();
				if (!string(v.keys.back()))
					return false;
			}
			v.items.emplace_back();
			if (!value(v.items.back(), depth + 1))
				return false;
		}
		if (pos_ >= in_.size())
			return fail("truncated container");
		pos_++;
		return true;
	}

	std::string_view in_;
	size_t pos_ = 0;
	std::string error_;
};

} // namespace

Result<BValue> bencode_decode(std::string_view in)
{
	return Decoder(in).all();
}

} // namespace rtpload
