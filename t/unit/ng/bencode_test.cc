#include "ng/bencode.h"

#include <cppunit/extensions/HelperMacros.h>

#include <cstring>
#include <string>

using namespace rtprelay;
using namespace rtprelay::ng;

class BencodeTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(BencodeTest);
	CPPUNIT_TEST(decodes_ng_ping);
	CPPUNIT_TEST(decodes_all_types);
	CPPUNIT_TEST(strings_borrow_from_input);
	CPPUNIT_TEST(binary_strings_survive);
	CPPUNIT_TEST(round_trip_is_byte_identical);
	CPPUNIT_TEST(integer_limits);
	CPPUNIT_TEST(rejects_malformed_integers);
	CPPUNIT_TEST(rejects_truncation_everywhere);
	CPPUNIT_TEST(rejects_trailing_data);
	CPPUNIT_TEST(rejects_type_confusion);
	CPPUNIT_TEST(depth_limit);
	CPPUNIT_TEST(huge_string_length_is_an_error);
	CPPUNIT_TEST(last_duplicate_key_wins);
	CPPUNIT_TEST_SUITE_END();

	static std::string encode(const Value& v)
	{
		std::string out;
		bencode_encode(v, out);
		return out;
	}

	static std::string error_of(std::string_view in)
	{
		Arena arena;
		auto v = bencode_decode(in, arena);
		CPPUNIT_ASSERT_MESSAGE(std::string("should fail: ") + std::string(in), !v);
		return v.error().reason;
	}

	static bool contains(const std::string& s, const char* part)
	{
		return s.find(part) != std::string::npos;
	}

public:
	void decodes_ng_ping()
	{
		Arena arena;
		auto v = bencode_decode("d7:command4:pinge", arena);
		CPPUNIT_ASSERT(v);
		CPPUNIT_ASSERT(v->is_dict());
		CPPUNIT_ASSERT_EQUAL(size_t(1), v->as_dict().size());
		CPPUNIT_ASSERT_EQUAL(std::string("ping"), std::string(*v->get_string("command")));
	}

	void decodes_all_types()
	{
		Arena arena;
		auto v = bencode_decode("d1:ai-42e1:bl3:onei0ee1:cd0:0:ee", arena);
		CPPUNIT_ASSERT(v);
		CPPUNIT_ASSERT_EQUAL(int64_t(-42), v->find("a")->as_int());
		const List& b = v->find("b")->as_list();
		CPPUNIT_ASSERT_EQUAL(size_t(2), b.size());
		CPPUNIT_ASSERT_EQUAL(std::string("one"), std::string(b[0].as_string()));
		CPPUNIT_ASSERT_EQUAL(int64_t(0), b[1].as_int());
		const Value* c = v->find("c");
		CPPUNIT_ASSERT(c->is_dict());
		CPPUNIT_ASSERT(c->find("") && c->find("")->as_string().empty());
		CPPUNIT_ASSERT(!v->find("missing"));
	}

	void strings_borrow_from_input()
	{
		Arena arena;
		std::string in = "d3:sdp5:v=0\r\ne";
		auto v = bencode_decode(in, arena);
		CPPUNIT_ASSERT(v);
		std::string_view sdp = v->find("sdp")->as_string();
		CPPUNIT_ASSERT(sdp.data() >= in.data() && sdp.data() < in.data() + in.size());
	}

	void binary_strings_survive()
	{
		std::string in("d1:k4:\0\xff"
		               "e:e",
		               11);
		Arena arena;
		auto v = bencode_decode(in, arena);
		CPPUNIT_ASSERT(v);
		CPPUNIT_ASSERT_EQUAL(std::string("\0\xff"
		                                 "e:",
		                                 4),
		                     std::string(v->find("k")->as_string()));
		CPPUNIT_ASSERT_EQUAL(in, encode(*v));
	}

	void round_trip_is_byte_identical()
	{
		// Named, since clang warns about joined literals inside an array initializer.
		const char* offer =
		        "d7:command5:offer7:call-id6:abc1238:from-tag3:ft15:flagsl13:trust-addresse"
		        "7:replacel6:origin18:session-connectione3:sdp3:v=0e";
		const char* msgs[] = {
		        offer,
		        "d6:result2:ok7:createdi1700000000e4:tagsd3:ft1d6:mediasl0:eeee",
		        "le",
		        "de",
		        "i-9223372036854775808e",
		        "0:",
		};
		for (const char* m : msgs) {
			Arena arena;
			auto v = bencode_decode(m, arena);
			CPPUNIT_ASSERT_MESSAGE(m, v);
			CPPUNIT_ASSERT_EQUAL(std::string(m), encode(*v));
			// What sizes the reply before encoding it must be its exact length.
			CPPUNIT_ASSERT_EQUAL(strlen(m), bencode_size(*v));
		}
	}

	void integer_limits()
	{
		Arena arena;
		auto max = bencode_decode("i9223372036854775807e", arena);
		CPPUNIT_ASSERT(max);
		CPPUNIT_ASSERT_EQUAL(INT64_MAX, max->as_int());
		auto min = bencode_decode("i-9223372036854775808e", arena);
		CPPUNIT_ASSERT(min);
		CPPUNIT_ASSERT_EQUAL(INT64_MIN, min->as_int());
		CPPUNIT_ASSERT(contains(error_of("i9223372036854775808e"), "out of range"));
		CPPUNIT_ASSERT(contains(error_of("i-9223372036854775809e"), "out of range"));
		CPPUNIT_ASSERT(contains(error_of("i99999999999999999999999e"), "out of range"));
	}

	void rejects_malformed_integers()
	{
		CPPUNIT_ASSERT(contains(error_of("i03e"), "leading zero"));
		CPPUNIT_ASSERT(contains(error_of("i-0e"), "negative zero"));
		CPPUNIT_ASSERT(contains(error_of("ie"), "expected a digit"));
		CPPUNIT_ASSERT(contains(error_of("i-e"), "expected a digit"));
		CPPUNIT_ASSERT(contains(error_of("i1x"), "expected 'e'"));
		CPPUNIT_ASSERT(contains(error_of("i+1e"), "expected a digit"));
		CPPUNIT_ASSERT(contains(error_of("01:a"), "leading zero"));
		CPPUNIT_ASSERT(contains(error_of("-1:a"), "expected i, l, d"));
		CPPUNIT_ASSERT(contains(error_of("3x"), "expected ':'"));
	}

	void rejects_truncation_everywhere()
	{
		// Every proper prefix of a valid message is an error, never a crash or a value.
		std::string full = "d7:command5:offer5:flagsl1:a2:bbe3:numi123e4:dictd1:xi1eee";
		for (size_t n = 0; n < full.size(); n++) {
			Arena arena;
			auto v = bencode_decode(std::string_view(full).substr(0, n), arena);
			CPPUNIT_ASSERT_MESSAGE(full.substr(0, n), !v);
		}
		CPPUNIT_ASSERT(contains(error_of(""), "truncated"));
		CPPUNIT_ASSERT(contains(error_of("d7:command"), "truncated"));
		CPPUNIT_ASSERT(contains(error_of("5:abc"), "past the end"));
		CPPUNIT_ASSERT(contains(error_of("d1:al"), "truncated list"));
	}

	void rejects_trailing_data()
	{
		CPPUNIT_ASSERT(contains(error_of("dei1e"), "trailing data"));
		CPPUNIT_ASSERT(contains(error_of("d7:command4:pingee"), "trailing data"));
	}

	void rejects_type_confusion()
	{
		CPPUNIT_ASSERT(contains(error_of("di1ei2ee"), "key must be a string"));
		CPPUNIT_ASSERT(contains(error_of("dlei1ee"), "key must be a string"));
		CPPUNIT_ASSERT(contains(error_of("x"), "expected i, l, d"));
		Arena arena;
		auto v = bencode_decode("d7:commandi5ee", arena);
		CPPUNIT_ASSERT(v);
		auto cmd = v->get_string("command");
		CPPUNIT_ASSERT(!cmd);
		CPPUNIT_ASSERT_EQUAL(std::string("key 'command' must be a string, not an integer"),
		                     cmd.error().reason);
		CPPUNIT_ASSERT_EQUAL(std::string("missing key 'call-id'"),
		                     v->get_string("call-id").error().reason);
	}

	void depth_limit()
	{
		std::string ok = std::string(kMaxDepth, 'l') + std::string(kMaxDepth, 'e');
		Arena arena;
		CPPUNIT_ASSERT(bencode_decode(ok, arena));
		std::string deep =
		        std::string(kMaxDepth + 1, 'l') + std::string(kMaxDepth + 1, 'e');
		CPPUNIT_ASSERT(contains(error_of(deep), "deeper than 32"));
		// Far deeper than the stack could take if recursion were unbounded.
		std::string abyss(60000, 'l');
		CPPUNIT_ASSERT(contains(error_of(abyss), "deeper than 32"));
	}

	void huge_string_length_is_an_error()
	{
		CPPUNIT_ASSERT(contains(error_of("4294967296:x"), "past the end"));
		CPPUNIT_ASSERT(contains(error_of("99999999999999999999:x"), "out of range"));
	}

	void last_duplicate_key_wins()
	{
		Arena arena;
		auto v = bencode_decode("d1:ai1e1:ai2ee", arena);
		CPPUNIT_ASSERT(v);
		CPPUNIT_ASSERT_EQUAL(int64_t(2), v->find("a")->as_int());
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(BencodeTest);
