#include "ng/message_splitter.h"

#include <cppunit/extensions/HelperMacros.h>

#include <string>
#include <vector>

#include "ng/message.h"

using namespace rtprelay::ng;
using Status = MessageSplitter::Status;

class MessageSplitterTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(MessageSplitterTest);
	CPPUNIT_TEST(back_to_back_messages);
	CPPUNIT_TEST(whitespace_between_messages_is_skipped);
	CPPUNIT_TEST(message_split_across_reads);
	CPPUNIT_TEST(bad_cookies_are_malformed);
	CPPUNIT_TEST(json_and_non_dictionaries_are_malformed);
	CPPUNIT_TEST(long_cookie_is_malformed);
	CPPUNIT_TEST_SUITE_END();

	// Splits `stream` fed in pieces of `step` bytes; "!" marks a malformed stream's end.
	static std::vector<std::string> split(const std::string& stream, size_t step)
	{
		std::vector<std::string> out;
		MessageSplitter s;
		std::string buf;
		for (size_t pos = 0; pos < stream.size(); pos += step) {
			buf += stream.substr(pos, step);
			size_t begin = 0;
			size_t end = 0;
			Status st;
			while ((st = s.next(buf, &begin, &end)) == Status::kMessage) {
				out.push_back(buf.substr(begin, end - begin));
				buf.erase(0, end);
			}
			if (st == Status::kMalformed) {
				out.emplace_back("!");
				return out;
			}
		}
		return out;
	}

	static Status first(const std::string& stream)
	{
		MessageSplitter s;
		size_t begin = 0;
		size_t end = 0;
		return s.next(stream, &begin, &end);
	}

public:
	void back_to_back_messages()
	{
		auto m = split("a d7:command4:pingeb d1:xli1eee", 1000);
		CPPUNIT_ASSERT_EQUAL(size_t(2), m.size());
		CPPUNIT_ASSERT_EQUAL(std::string("a d7:command4:pinge"), m[0]);
		CPPUNIT_ASSERT_EQUAL(std::string("b d1:xli1eee"), m[1]);
	}

	void whitespace_between_messages_is_skipped()
	{
		auto m = split("\r\n a d7:command4:pinge\nb de\n", 1000);
		CPPUNIT_ASSERT_EQUAL(size_t(2), m.size());
		CPPUNIT_ASSERT_EQUAL(std::string("a d7:command4:pinge"), m[0]);
		CPPUNIT_ASSERT_EQUAL(std::string("b de"), m[1]);
	}

	void message_split_across_reads()
	{
		std::string stream = "c1 d7:command4:pinge c2 d3:sdp5:a e ee";
		for (size_t step = 1; step < stream.size(); step++) {
			auto m = split(stream, step);
			CPPUNIT_ASSERT_EQUAL(size_t(2), m.size());
			CPPUNIT_ASSERT_EQUAL(std::string("c2 d3:sdp5:a e ee"), m[1]);
		}
	}

	void bad_cookies_are_malformed()
	{
		CPPUNIT_ASSERT(first("\x01x d7:command4:pinge") == Status::kMalformed);
		CPPUNIT_ASSERT(first("ab\x7f d7:command4:pinge") == Status::kMalformed);
		CPPUNIT_ASSERT(first("abc") == Status::kNeedMore);
	}

	void json_and_non_dictionaries_are_malformed()
	{
		CPPUNIT_ASSERT(first("c {\"command\":\"ping\"}") == Status::kMalformed);
		CPPUNIT_ASSERT(first("c l4:pinge") == Status::kMalformed);
		CPPUNIT_ASSERT(first("c  d7:command4:pinge") == Status::kMalformed);
		CPPUNIT_ASSERT(first("c d7:command4:pingx") == Status::kMalformed);
	}

	void long_cookie_is_malformed()
	{
		CPPUNIT_ASSERT(first(std::string(kMaxCookieLength, 'c') + " de") ==
		               Status::kMessage);
		CPPUNIT_ASSERT(first(std::string(kMaxCookieLength + 1, 'c')) == Status::kMalformed);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(MessageSplitterTest);
