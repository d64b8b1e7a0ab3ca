// SPDX-License-Identifier: GPL-3.0-or-later
#include "ng/flags.h"

#include <cctype>
#include <variant>

#include "ng/flag_table.h"
#include "util/strings.h"

namespace rtprelay::ng {

std::string normalize_flag(std::string_view s)
{
	std::string out(s);
	for (char& c : out) {
		if (c == '_' || c == ' ')
			c = '-';
		else
			c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
	}
	return out;
}

bool flag_equals(std::string_view s, std::string_view canonical)
{
	if (s.size() != canonical.size())
		return false;
	for (size_t i = 0; i < s.size(); i++) {
		char c = s[i] == '_' || s[i] == ' '
		                 ? '-'
		                 : static_cast<char>(tolower(static_cast<unsigned char>(s[i])));
		if (c != canonical[i])
			return false;
	}
	return true;
}

const Value* find_key(const Value& dict, std::string_view canonical)
{
	if (!dict.is_dict())
		return nullptr;
	const Value* found = nullptr;
	for (const auto& m : dict.as_dict()) // last one wins, like Value::find
		if (flag_equals(m.key, canonical))
			found = &m.value;
	return found;
}

namespace {

using F = SignallingFlags;

Error wrong_type(std::string_view key, const Value& v, const char* want)
{
	return Error{strprintf("key '%.*s' must be %s, not %s", static_cast<int>(key.size()),
	                       key.data(), want, std::string(v.type_name()).c_str())};
}

// A list of strings; a single string is accepted as a one-element list.
Result<std::vector<std::string_view>> get_list(const Value& v, std::string_view key)
{
	if (v.is_string())
		return std::vector{v.as_string()};
	if (!v.is_list())
		return wrong_type(key, v, "a list of strings");
	std::vector<std::string_view> out;
	for (const auto& item : v.as_list()) {
		if (!item.is_string())
			return wrong_type(key, item, "a list of strings");
		out.push_back(item.as_string());
	}
	return out;
}

const KeyValue* find_value(std::span<const KeyValue> values, std::string_view name)
{
	for (const KeyValue& v : values)
		if (flag_equals(name, v.name))
			return &v;
	return nullptr;
}

// One option of an OptionKey row; false if it has no such option.
bool apply_option(F& f, const OptionKey& key, std::string_view option)
{
	if (const KeyValue* v = find_value(key.words, option)) {
		v->set(f);
		return true;
	}
	return key.other && key.other(f, option);
}

// A flag word from the `flags` list or `rtpp-flags`, or an option word (`SDES-pad`); false if
// there is no such word.
bool apply_word(F& f, std::string_view word)
{
	const FlagRow* row = find_flag(word);
	if (const auto* flag = row ? std::get_if<WordFlag>(&row->kind) : nullptr) {
		flag->set(f);
		return true;
	}
	std::string_view option;
	row = find_option_word(word, option);
	return row && apply_option(f, std::get<OptionKey>(row->kind), option);
}

Result<void> apply_int(F& f, const FlagRow& row, const IntKey& key, std::optional<int64_t> value)
{
	if (!value || *value < key.min || *value > key.max)
		return Error{strprintf("key '%.*s' must be %d..%d %s",
		                       static_cast<int>(row.name.size()), row.name.data(), key.min,
		                       key.max, key.unit)};
	key.set(f, static_cast<int>(*value));
	return {};
}

// One key's value as text, whichever form carried it: the same text gives the same flags, or
// the same error. Empty text means "not given" for named values and addresses.
struct ApplyText {
	F& f;
	const FlagRow& row;
	std::string_view value;

	Result<void> operator()(const WordFlag&) const // a word given a value: not a word we know
	{
		f.unknown.push_back(std::string(row.name) + "=" + std::string(value));
		return {};
	}
	Result<void> operator()(const TextKey& key) const
	{
		key.set(f, value);
		return {};
	}
	Result<void> operator()(const IntKey& key) const
	{
		return apply_int(f, row, key, parse_int(value));
	}
	Result<void> operator()(const EnumKey& key) const
	{
		if (value.empty())
			return {};
		const KeyValue* v = find_value(key.values, value);
		if (!v)
			return key.reject(value);
		v->set(f);
		return {};
	}
	Result<void> operator()(const ListKey& key) const
	{
		key.add(f, value);
		return {};
	}
	Result<void> operator()(const WordListKey&) const
	{
		std::string word = std::string(row.name) + "-" + std::string(value);
		if (!apply_word(f, word))
			f.unknown.push_back(std::string(row.name) + "=" + std::string(value));
		return {};
	}
	Result<void> operator()(const OptionKey& key) const
	{
		// "a,b" is two options: newer rtpengine splits a string value on ','.
		std::string_view rest = value;
		while (!rest.empty()) {
			size_t comma = rest.find(',');
			std::string_view option = trim(rest.substr(0, comma));
			rest = comma == std::string_view::npos ? "" : rest.substr(comma + 1);
			if (!option.empty() && !apply_option(f, key, option))
				f.unknown.push_back(std::string(row.name) + "=" +
				                    std::string(option));
		}
		return {};
	}
	Result<void> operator()(const AddressKey& key) const
	{
		std::string_view text = trim(value);
		if (text.empty())
			return {};
		auto ip = net::IpAddress::parse(text);
		if (!ip)
			return Error{strprintf("%.*s: %s", static_cast<int>(row.name.size()),
			                       row.name.data(), ip.error().reason.c_str())};
		key.set(f, *ip);
		return {};
	}
};

Result<void> apply_text(F& f, const FlagRow& row, std::string_view value)
{
	return std::visit(ApplyText{f, row, value}, row.kind);
}

// One key of the native dictionary: checks the value's type, then applies it as text.
struct ApplyNative {
	F& f;
	const FlagRow& row;
	const Value& value;

	Result<void> operator()(const WordFlag&) const { return {}; } // words are in `flags`
	Result<void> operator()(const IntKey& key) const
	{
		if (value.is_int())
			return apply_int(f, row, key, value.as_int());
		if (value.is_string())
			return apply_text(f, row, value.as_string());
		return apply_int(f, row, key, std::nullopt);
	}
	Result<void> operator()(const ListKey&) const { return each_item(); }
	Result<void> operator()(const WordListKey&) const { return each_item(); }
	Result<void> operator()(const OptionKey&) const { return each_item(); }
	Result<void> operator()(const AddressKey& key) const
	{
		if (!key.family_pair)
			return string_value();
		auto items = get_list(value, row.name); // ["IP4", "192.0.2.1"]
		if (!items)
			return items.error();
		if (items->size() != 2)
			return Error{strprintf("key '%.*s' must be a list [family, address]",
			                       static_cast<int>(row.name.size()), row.name.data())};
		return apply_text(f, row, (*items)[1]);
	}
	Result<void> operator()(const TextKey&) const { return string_value(); }
	Result<void> operator()(const EnumKey&) const { return string_value(); }

	Result<void> string_value() const
	{
		if (!value.is_string())
			return wrong_type(row.name, value, "a string");
		return apply_text(f, row, value.as_string());
	}
	Result<void> each_item() const
	{
		auto items = get_list(value, row.name);
		if (!items)
			return items.error();
		for (std::string_view item : *items)
			if (auto r = apply_text(f, row, item); !r)
				return r;
		return {};
	}
};

Result<void> read_string(const Value& params, std::string_view key, std::string& out)
{
	const Value* v = find_key(params, key);
	if (!v)
		return {};
	if (!v->is_string())
		return wrong_type(key, *v, "a string");
	out = v->as_string();
	return {};
}

// `flags`: a list of words.
Result<void> read_flag_words(F& f, const Value& params)
{
	const Value* v = find_key(params, "flags");
	if (!v)
		return {};
	auto words = get_list(*v, "flags");
	if (!words)
		return words.error();
	for (std::string_view word : *words)
		if (!apply_word(f, word))
			f.unknown.emplace_back(word);
	return {};
}

// Every other key of the table that the dictionary carries.
Result<void> read_native_keys(F& f, const Value& params)
{
	for (const FlagRow& row : flag_table()) {
		if (std::holds_alternative<WordFlag>(row.kind))
			continue;
		if (const Value* v = find_key(params, row.name))
			if (auto r = std::visit(ApplyNative{f, row, *v}, row.kind); !r)
				return r;
	}
	return {};
}

// One word of `rtpp-flags`: `key=value` for a key of the table, else a flag word.
Result<void> apply_rtpp_word(F& f, std::string_view word)
{
	size_t eq = word.find('=');
	if (eq != std::string_view::npos)
		if (const FlagRow* row = find_flag(word.substr(0, eq)))
			return apply_text(f, *row, word.substr(eq + 1));
	if (!apply_word(f, word))
		f.unknown.emplace_back(word);
	return {};
}

// `rtpp-flags`: words separated by white space.
Result<void> read_rtpp_flags(F& f, const Value& params)
{
	const Value* v = find_key(params, "rtpp-flags");
	if (!v)
		return {};
	if (!v->is_string())
		return wrong_type("rtpp-flags", *v, "a string");
	std::string_view rest = v->as_string();
	while (!rest.empty()) {
		size_t sp = rest.find_first_of(" \t\r\n");
		std::string_view word = rest.substr(0, sp);
		rest.remove_prefix(sp == std::string_view::npos ? rest.size() : sp + 1);
		if (word.empty())
			continue;
		if (auto r = apply_rtpp_word(f, word); !r)
			return r;
	}
	return {};
}

} // namespace

Result<SignallingFlags> parse_flags(const Value& params)
{
	SignallingFlags f;
	for (auto [key, out] : {std::pair{"call-id", &f.call_id}, {"sdp", &f.sdp}})
		if (auto r = read_string(params, key, *out); !r)
			return r.error();
	for (auto step : {read_flag_words, read_native_keys, read_rtpp_flags})
		if (auto r = step(f, params); !r)
			return r.error();
	return f;
}

} // namespace rtprelay::ng
