// Every row of the flag table, read from both request forms: the native dictionary (keys and
// the `flags` list) and the `rtpp-flags` string. The cases are made from the table itself, so
// a new row is covered as soon as it exists, and a form that starts treating a row its own way
// fails here.
#include "ng/flag_table.h"

#include <cppunit/extensions/HelperMacros.h>

#include <cctype>

#include "ng/flags.h"
#include "ng/json.h"

using namespace rtprelay;
using namespace rtprelay::ng;

namespace {

// One request in both forms: a JSON member ("key":value) and an rtpp-flags text.
struct Case {
	std::string native;
	std::string rtpp;
};

std::string quoted(std::string_view s)
{
	return "\"" + std::string(s) + "\"";
}

// The native key spelled another way than the table does: upper case, '_' between words.
std::string shouted(std::string_view name)
{
	std::string out(name);
	for (char& c : out)
		c = c == '-' ? '_' : static_cast<char>(toupper(static_cast<unsigned char>(c)));
	return out;
}

Case keyed(const FlagRow& row, std::string_view native_value, std::string_view rtpp_value)
{
	return {quoted(shouted(row.name)) + ":" + std::string(native_value),
	        std::string(row.name) + "=" + std::string(rtpp_value)};
}

// The words `<name>-<v>` of the table, as the items v that a WordListKey named `name` takes.
std::vector<std::string> word_list_items(std::string_view name)
{
	std::vector<std::string> items;
	std::string prefix = std::string(name) + "-";
	for (const FlagRow& row : flag_table())
		if (std::holds_alternative<WordFlag>(row.kind) && row.name.starts_with(prefix))
			items.emplace_back(row.name.substr(prefix.size()));
	return items;
}

// Values each kind must accept, in both forms.
struct GoodCases {
	const FlagRow& row;

	std::vector<Case> operator()(const WordFlag&) const
	{
		return {{"\"flags\":[" + quoted(shouted(row.name)) + "]", std::string(row.name)}};
	}
	std::vector<Case> operator()(const TextKey&) const
	{
		return {keyed(row, "\"x-1.example\"", "x-1.example")};
	}
	std::vector<Case> operator()(const IntKey& key) const
	{
		std::string lo = std::to_string(key.min), hi = std::to_string(key.max);
		return {keyed(row, lo, lo), keyed(row, quoted(hi), hi)};
	}
	std::vector<Case> operator()(const EnumKey& key) const
	{
		std::vector<Case> out;
		for (const KeyValue& v : key.values)
			out.push_back(keyed(row, quoted(shouted(v.name)), v.name));
		return out;
	}
	std::vector<Case> operator()(const ListKey&) const
	{
		std::string name(row.name);
		return {{quoted(name) + ":[\"one\",\"two\"]", name + "=one " + name + "=two"},
		        keyed(row, "\"one\"", "one")};
	}
	std::vector<Case> operator()(const WordListKey&) const
	{
		std::vector<Case> out;
		for (const std::string& item : word_list_items(row.name))
			out.push_back(keyed(row, "[" + quoted(shouted(item)) + "]", item));
		return out;
	}
	std::vector<Case> operator()(const OptionKey& key) const
	{
		std::vector<Case> out;
		for (const KeyValue& v : key.words)
			out.push_back(keyed(row, "[" + quoted(shouted(v.name)) + "]", v.name));
		return out;
	}
	std::vector<Case> operator()(const AddressKey& key) const
	{
		std::vector<Case> out;
		for (auto [family, ip] : {std::pair{"IP4", "192.0.2.7"}, {"IP6", "2001:db8::7"}}) {
			std::string native = key.family_pair
			                             ? "[" + quoted(family) + "," + quoted(ip) + "]"
			                             : quoted(ip);
			out.push_back(keyed(row, native, ip));
		}
		return out;
	}
};

// Values each kind must refuse (or, for word lists, ignore with a warning) the same way in
// both forms. Words, text and plain lists take any value.
struct BadCases {
	const FlagRow& row;

	std::vector<Case> operator()(const IntKey& key) const
	{
		std::string over = std::to_string(key.max + 1);
		return {keyed(row, "-1", "-1"), keyed(row, quoted(over), over),
		        keyed(row, "\"soon\"", "soon"), keyed(row, "\"\"", "")};
	}
	std::vector<Case> operator()(const EnumKey&) const
	{
		return {keyed(row, "\"bogus\"", "bogus")};
	}
	std::vector<Case> operator()(const WordListKey&) const
	{
		return {keyed(row, "[\"bogus\"]", "bogus")};
	}
	std::vector<Case> operator()(const OptionKey&) const
	{
		return {keyed(row, "[\"bogus\"]", "bogus")};
	}
	std::vector<Case> operator()(const AddressKey& key) const
	{
		std::vector<Case> out;
		for (const char* bad : {"nope", "300.1.2.3"})
			out.push_back(keyed(row,
			                    key.family_pair ? "[\"IP4\"," + quoted(bad) + "]"
			                                    : quoted(bad),
			                    bad));
		return out;
	}
	template <class Kind>
	std::vector<Case> operator()(const Kind&) const
	{
		return {};
	}
};

bool keeps_value(const FlagRow& row)
{
	return std::holds_alternative<TextKey>(row.kind) ||
	       std::holds_alternative<IntKey>(row.kind) ||
	       std::holds_alternative<ListKey>(row.kind) ||
	       std::holds_alternative<AddressKey>(row.kind);
}

} // namespace

class FlagTableTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(FlagTableTest);
	CPPUNIT_TEST(names_are_canonical_and_unique);
	CPPUNIT_TEST(every_row_reads_the_same_from_both_forms);
	CPPUNIT_TEST(every_bad_value_fails_the_same_in_both_forms);
	CPPUNIT_TEST(word_lists_are_their_words);
	CPPUNIT_TEST(options_are_their_words);
	CPPUNIT_TEST(empty_values_are_not_given);
	CPPUNIT_TEST_SUITE_END();

	Arena arena_;

	Result<SignallingFlags> parse_json(const std::string& json)
	{
		auto v = json_decode(json, arena_);
		CPPUNIT_ASSERT_MESSAGE(json, v);
		return parse_flags(*v);
	}
	Result<SignallingFlags> parse_native(const Case& c)
	{
		return parse_json("{" + c.native + "}");
	}
	Result<SignallingFlags> parse_rtpp(const Case& c)
	{
		return parse_json("{\"rtpp-flags\":" + quoted(c.rtpp) + "}");
	}

public:
	void names_are_canonical_and_unique()
	{
		for (const FlagRow& row : flag_table()) {
			std::string name(row.name);
			CPPUNIT_ASSERT_EQUAL(normalize_flag(name), name);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(name, &row, find_flag(name));
			CPPUNIT_ASSERT_EQUAL_MESSAGE(name, &row, find_flag(shouted(name)));
		}
	}

	void every_row_reads_the_same_from_both_forms()
	{
		for (const FlagRow& row : flag_table()) {
			auto cases = std::visit(GoodCases{row}, row.kind);
			CPPUNIT_ASSERT_MESSAGE(std::string(row.name), !cases.empty());
			for (const Case& c : cases) {
				std::string what = c.native + " vs " + c.rtpp;
				auto native = parse_native(c);
				auto rtpp = parse_rtpp(c);
				CPPUNIT_ASSERT_MESSAGE(what, native && rtpp);
				CPPUNIT_ASSERT_MESSAGE(what, native->unknown.empty());
				CPPUNIT_ASSERT_MESSAGE(what, *native == *rtpp);
				// Words and named values may ask for what the relay does anyway; a
				// value that is kept (text, number, list item, address) sets
				// something.
				if (keeps_value(row))
					CPPUNIT_ASSERT_MESSAGE(what,
					                       !(*native == SignallingFlags{}));
			}
		}
	}

	void every_bad_value_fails_the_same_in_both_forms()
	{
		for (const FlagRow& row : flag_table()) {
			for (const Case& c : std::visit(BadCases{row}, row.kind)) {
				std::string what = c.native + " vs " + c.rtpp;
				auto native = parse_native(c);
				auto rtpp = parse_rtpp(c);
				CPPUNIT_ASSERT_EQUAL_MESSAGE(what, native.has_value(),
				                             rtpp.has_value());
				if (native) { // ignored, with the same warning
					CPPUNIT_ASSERT_EQUAL_MESSAGE(what, size_t(1),
					                             native->unknown.size());
					CPPUNIT_ASSERT_MESSAGE(what, *native == *rtpp);
					continue;
				}
				CPPUNIT_ASSERT_MESSAGE(what, !native.error().reason.empty());
				CPPUNIT_ASSERT_EQUAL_MESSAGE(what, native.error().reason,
				                             rtpp.error().reason);
			}
		}
	}

	// `replace: ["origin"]`, `replace=origin` and the word `replace-origin` are one flag.
	void word_lists_are_their_words()
	{
		for (const FlagRow& row : flag_table()) {
			if (!std::holds_alternative<WordListKey>(row.kind))
				continue;
			auto items = word_list_items(row.name);
			CPPUNIT_ASSERT_MESSAGE(std::string(row.name), !items.empty());
			for (const std::string& item : items) {
				auto listed =
				        parse_native(keyed(row, "[" + quoted(item) + "]", item));
				auto word = parse_json("{\"flags\":[" +
				                       quoted(std::string(row.name) + "-" + item) +
				                       "]}");
				CPPUNIT_ASSERT(listed && word);
				CPPUNIT_ASSERT_MESSAGE(item, *listed == *word);
			}
		}
	}

	// `SDES: ["pad"]`, `SDES=pad` and the word `SDES-pad` (any spelling) are one flag.
	void options_are_their_words()
	{
		for (const FlagRow& row : flag_table()) {
			const auto* key = std::get_if<OptionKey>(&row.kind);
			if (!key)
				continue;
			CPPUNIT_ASSERT_MESSAGE(std::string(row.name), !key->words.empty());
			for (const KeyValue& v : key->words) {
				std::string word = shouted(row.name) + "-" + std::string(v.name);
				auto listed =
				        parse_native(keyed(row, "[" + quoted(v.name) + "]", ""));
				auto flag = parse_json("{\"flags\":[" + quoted(word) + "]}");
				auto rtpp = parse_json("{\"rtpp-flags\":" + quoted(word) + "}");
				CPPUNIT_ASSERT(listed && flag && rtpp);
				CPPUNIT_ASSERT_MESSAGE(word, flag->unknown.empty());
				CPPUNIT_ASSERT_MESSAGE(word, *listed == *flag && *flag == *rtpp);
				std::string_view option;
				CPPUNIT_ASSERT_EQUAL_MESSAGE(word, &row,
				                             find_option_word(word, option));
				CPPUNIT_ASSERT_EQUAL(std::string(v.name), std::string(option));
			}
		}
	}

	// Keys that parse their value take an empty one as not given, in both forms.
	void empty_values_are_not_given()
	{
		for (const FlagRow& row : flag_table()) {
			const auto* address = std::get_if<AddressKey>(&row.kind);
			if (!address && !std::holds_alternative<EnumKey>(row.kind))
				continue;
			Case c = keyed(row,
			               address && address->family_pair ? "[\"IP4\",\"\"]" : "\"\"",
			               "");
			auto native = parse_native(c);
			auto rtpp = parse_rtpp(c);
			CPPUNIT_ASSERT_MESSAGE(c.rtpp, native && rtpp);
			CPPUNIT_ASSERT_MESSAGE(c.rtpp, *native == SignallingFlags{});
			CPPUNIT_ASSERT_MESSAGE(c.rtpp, *rtpp == SignallingFlags{});
		}
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(FlagTableTest);
