#include "ng/message.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace rtprelay;
using namespace rtprelay::ng;

class MessageTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(MessageTest);
	CPPUNIT_TEST(splits_cookie_and_detects_encoding);
	CPPUNIT_TEST(no_cookie_means_nullopt);
	CPPUNIT_TEST(body_must_be_a_dictionary);
	CPPUNIT_TEST(oversized_body_is_refused);
	CPPUNIT_TEST(reply_keeps_cookie_and_encoding);
	CPPUNIT_TEST_SUITE_END();

public:
	void splits_cookie_and_detects_encoding()
	{
		auto b = split_message("5323_1 d7:command4:pinge");
		CPPUNIT_ASSERT(b);
		CPPUNIT_ASSERT_EQUAL(std::string("5323_1"), std::string(b->cookie));
		CPPUNIT_ASSERT_EQUAL(std::string("d7:command4:pinge"), std::string(b->body));
		CPPUNIT_ASSERT(b->encoding == Encoding::kBencode);

		auto j = split_message("x  {\"command\":\"ping\"}");
		CPPUNIT_ASSERT(j);
		CPPUNIT_ASSERT(j->encoding == Encoding::kJson);
		CPPUNIT_ASSERT_EQUAL(std::string("{\"command\":\"ping\"}"), std::string(j->body));

		auto newline = split_message("c1 d7:command4:pinge\r\n");
		CPPUNIT_ASSERT(newline);
		CPPUNIT_ASSERT_EQUAL(std::string("d7:command4:pinge"), std::string(newline->body));

		auto empty_body = split_message("c ");
		CPPUNIT_ASSERT(empty_body && empty_body->body.empty());
		Arena arena;
		CPPUNIT_ASSERT(!decode_body(*empty_body, arena));
	}

	void no_cookie_means_nullopt()
	{
		CPPUNIT_ASSERT(!split_message(""));
		CPPUNIT_ASSERT(!split_message("nospace"));
		CPPUNIT_ASSERT(!split_message(" d7:command4:pinge"));
		CPPUNIT_ASSERT(!split_message("a\tb d7:command4:pinge"));
		CPPUNIT_ASSERT(!split_message("\x80x d7:command4:pinge"));
		CPPUNIT_ASSERT(!split_message(std::string(kMaxCookieLength + 1, 'c') + " de"));
		CPPUNIT_ASSERT(split_message(std::string(kMaxCookieLength, 'c') + " de"));
	}

	void body_must_be_a_dictionary()
	{
		Arena arena;
		for (const char* m : {"c l4:pinge", "c i1e", "c 4:ping", "c [1]", "c \"x\""}) {
			auto f = split_message(m);
			CPPUNIT_ASSERT(f);
			auto v = decode_body(*f, arena);
			CPPUNIT_ASSERT_MESSAGE(m, !v);
			CPPUNIT_ASSERT_MESSAGE(v.error().reason,
			                       v.error().reason.find("dictionary") !=
			                               std::string::npos);
		}
		auto ok = split_message("c d7:command4:pinge");
		CPPUNIT_ASSERT(decode_body(*ok, arena));
	}

	void oversized_body_is_refused()
	{
		std::string big = "c d1:x" + std::to_string(kMaxMessageSize) + ":" +
		                  std::string(kMaxMessageSize, 'a') + "e";
		auto f = split_message(big);
		CPPUNIT_ASSERT(f);
		Arena arena;
		auto v = decode_body(*f, arena);
		CPPUNIT_ASSERT(!v);
		CPPUNIT_ASSERT_EQUAL(std::string("message too large"), v.error().reason);
	}

	void reply_keeps_cookie_and_encoding()
	{
		Arena arena;
		Value reply = Value::dict(arena);
		reply.set("result", Value::string("pong"));
		CPPUNIT_ASSERT_EQUAL(std::string("c1 d6:result4:ponge"),
		                     encode_reply("c1", reply, Encoding::kBencode));
		CPPUNIT_ASSERT_EQUAL(std::string("c1 {\"result\":\"pong\"}"),
		                     encode_reply("c1", reply, Encoding::kJson));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(MessageTest);
