#include "ng/json.h"

#include <cppunit/extensions/HelperMacros.h>

#include "ng/bencode.h"

using namespace rtprelay;
using namespace rtprelay::ng;

class JsonTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(JsonTest);
	CPPUNIT_TEST(decodes_ping);
	CPPUNIT_TEST(same_model_as_bencode);
	CPPUNIT_TEST(encodes_plain_without_slash_escapes);
	CPPUNIT_TEST(string_escapes_round_trip);
	CPPUNIT_TEST(booleans_become_integers);
	CPPUNIT_TEST(rejects_null_and_fractions);
	CPPUNIT_TEST(rejects_out_of_range_integers);
	CPPUNIT_TEST(rejects_malformed);
	CPPUNIT_TEST(rejects_truncation_everywhere);
	CPPUNIT_TEST(depth_limit);
	CPPUNIT_TEST_SUITE_END();

	static std::string error_of(std::string_view in)
	{
		Arena arena;
		auto v = json_decode(in, arena);
		CPPUNIT_ASSERT_MESSAGE(std::string("should fail: ") + std::string(in), !v);
		return v.error().reason;
	}
	static bool contains(const std::string& s, const char* part)
	{
		return s.find(part) != std::string::npos;
	}

public:
	void decodes_ping()
	{
		Arena arena;
		auto v = json_decode(" {\"command\": \"ping\"}\n", arena);
		CPPUNIT_ASSERT(v);
		CPPUNIT_ASSERT_EQUAL(std::string("ping"), std::string(*v->get_string("command")));
	}

	void same_model_as_bencode()
	{
		Arena arena;
		auto j = json_decode(R"({"command":"offer","flags":["a","b"],"n":-7,"d":{"x":[]}})",
		                     arena);
		auto b =
		        bencode_decode("d7:command5:offer5:flagsl1:a1:be1:ni-7e1:dd1:xleee", arena);
		CPPUNIT_ASSERT(j && b);
		CPPUNIT_ASSERT(*j == *b);
	}

	void encodes_plain_without_slash_escapes()
	{
		Arena arena;
		Value v = Value::dict(arena);
		v.set("result", Value::string("ok"));
		v.set("transport-protocol", Value::string("RTP/AVP"));
		v.set("created", Value::integer(1700000000));
		Value l = Value::list(arena);
		l.push(Value::integer(1));
		v.set("list", l);
		std::string out;
		json_encode(v, out);
		CPPUNIT_ASSERT_EQUAL(
		        std::string(
		                R"({"result":"ok","transport-protocol":"RTP/AVP","created":1700000000,"list":[1]})"),
		        out);
	}

	void string_escapes_round_trip()
	{
		Arena arena;
		auto v = json_decode(
		        R"({"sdp":"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\n","u":"\u00e9\u0000x"})",
		        arena);
		CPPUNIT_ASSERT(v);
		CPPUNIT_ASSERT_EQUAL(std::string("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\n"),
		                     std::string(v->find("sdp")->as_string()));
		CPPUNIT_ASSERT_EQUAL(std::string("\xc3\xa9\0x", 4),
		                     std::string(v->find("u")->as_string()));
		std::string out;
		json_encode(*v, out);
		Arena arena2;
		auto again = json_decode(out, arena2);
		CPPUNIT_ASSERT(again && *again == *v);
	}

	void booleans_become_integers()
	{
		Arena arena;
		auto v = json_decode(R"({"a":true,"b":false})", arena);
		CPPUNIT_ASSERT(v);
		CPPUNIT_ASSERT_EQUAL(int64_t(1), v->find("a")->as_int());
		CPPUNIT_ASSERT_EQUAL(int64_t(0), v->find("b")->as_int());
	}

	void rejects_null_and_fractions()
	{
		CPPUNIT_ASSERT(contains(error_of(R"({"a":null})"), "null"));
		CPPUNIT_ASSERT(contains(error_of("null "), "null"));
		CPPUNIT_ASSERT(contains(error_of(R"({"a":1.5})"), "integers"));
		CPPUNIT_ASSERT(contains(error_of(R"({"a":[1e3]})"), "integers"));
	}

	void rejects_out_of_range_integers()
	{
		CPPUNIT_ASSERT(contains(error_of(R"({"a":9223372036854775808})"), "out of range"));
		CPPUNIT_ASSERT(contains(error_of(R"({"a":-9223372036854775809})"), "out of range"));
		CPPUNIT_ASSERT(contains(error_of(R"({"a":18446744073709551616})"), "out of range"));
		Arena arena;
		auto v =
		        json_decode(R"({"a":9223372036854775807,"b":-9223372036854775807})", arena);
		CPPUNIT_ASSERT(v);
		CPPUNIT_ASSERT_EQUAL(INT64_MAX, v->find("a")->as_int());
		CPPUNIT_ASSERT_EQUAL(INT64_MIN + 1, v->find("b")->as_int());
		// json-c clamps below this silently, so the clamped value itself is refused.
		CPPUNIT_ASSERT(contains(error_of(R"({"a":-9223372036854775808})"), "out of range"));
	}

	void rejects_malformed()
	{
		CPPUNIT_ASSERT(contains(error_of(R"({"a":1}x)"), "malformed JSON"));
		CPPUNIT_ASSERT(contains(error_of(R"({"a":1}{})"), "malformed JSON"));
		Arena arena;
		CPPUNIT_ASSERT(json_decode("{\"a\":1} \r\n", arena));
		CPPUNIT_ASSERT(contains(error_of(R"({"a" 1})"), "malformed JSON"));
		CPPUNIT_ASSERT(contains(error_of(R"({a:1})"), "malformed JSON"));
		CPPUNIT_ASSERT(contains(error_of(R"({"a":1,})"), "malformed JSON"));
		CPPUNIT_ASSERT(contains(error_of(R"({"a":/* c */1})"), "malformed JSON"));
		CPPUNIT_ASSERT(contains(error_of(R"({"a":01})"), "malformed JSON"));
		CPPUNIT_ASSERT(contains(error_of("{\"a\":\"\xff\"}"), "malformed JSON"));
		CPPUNIT_ASSERT(
		        contains(error_of(std::string("{\"a\":\"x\0\"}", 10)), "malformed JSON"));
	}

	void rejects_truncation_everywhere()
	{
		std::string full = R"({"command":"offer","flags":["a",{"b":[1,2]}],"n":123})";
		for (size_t n = 0; n < full.size(); n++) {
			Arena arena;
			auto v = json_decode(std::string_view(full).substr(0, n), arena);
			CPPUNIT_ASSERT_MESSAGE(full.substr(0, n), !v);
		}
	}

	void depth_limit()
	{
		Arena arena;
		std::string ok = std::string(kMaxDepth - 1, '[') + std::string(kMaxDepth - 1, ']');
		CPPUNIT_ASSERT(json_decode("{\"a\":" + ok + "}", arena));
		std::string deep =
		        std::string(kMaxDepth + 1, '[') + std::string(kMaxDepth + 1, ']');
		CPPUNIT_ASSERT(contains(error_of("{\"a\":" + deep + "}"), "malformed JSON"));
		CPPUNIT_ASSERT(!json_decode(std::string(60000, '['), arena));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(JsonTest);
