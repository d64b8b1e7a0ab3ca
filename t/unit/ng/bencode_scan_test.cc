#include "ng/bencode_scan.h"

#include <cppunit/extensions/HelperMacros.h>

#include <string>

using namespace rtprelay::ng;
using Status = BencodeScanner::Status;

class BencodeScanTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(BencodeScanTest);
	CPPUNIT_TEST(finds_the_end_of_each_type);
	CPPUNIT_TEST(stops_at_the_end_of_the_first_value);
	CPPUNIT_TEST(every_proper_prefix_needs_more);
	CPPUNIT_TEST(one_byte_at_a_time_finds_the_same_end);
	CPPUNIT_TEST(string_bodies_are_not_interpreted);
	CPPUNIT_TEST(rejects_what_cannot_be_bencode);
	CPPUNIT_TEST(depth_limit);
	CPPUNIT_TEST_SUITE_END();

	static std::pair<Status, size_t> scan(const std::string& in)
	{
		BencodeScanner s;
		Status st = s.scan(in);
		return {st, s.end()};
	}

public:
	void finds_the_end_of_each_type()
	{
		for (std::string v : {"i0e", "i-42e", "0:", "4:spam", "le", "de", "l4:spami1ee",
		                      "d7:command4:pinge", "d1:ad1:bl1:cee1:xi3ee"}) {
			auto [st, end] = scan(v);
			CPPUNIT_ASSERT_MESSAGE(v, st == Status::kComplete);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(v, v.size(), end);
		}
	}

	void stops_at_the_end_of_the_first_value()
	{
		auto [st, end] = scan("d7:command4:pingec2 d7:command4:pinge");
		CPPUNIT_ASSERT(st == Status::kComplete);
		CPPUNIT_ASSERT_EQUAL(size_t(17), end);
	}

	void every_proper_prefix_needs_more()
	{
		std::string v = "d3:keyl5:helloi-7ed1:x0:eee";
		for (size_t n = 0; n < v.size(); n++)
			CPPUNIT_ASSERT_MESSAGE(v.substr(0, n),
			                       scan(v.substr(0, n)).first == Status::kNeedMore);
	}

	void one_byte_at_a_time_finds_the_same_end()
	{
		std::string v = "d3:sdp12:v=0\r\no=- 1 23:fooi1ee";
		BencodeScanner s;
		for (size_t n = 1; n < v.size(); n++)
			CPPUNIT_ASSERT(s.scan(std::string_view(v).substr(0, n)) ==
			               Status::kNeedMore);
		CPPUNIT_ASSERT(s.scan(v) == Status::kComplete);
		CPPUNIT_ASSERT_EQUAL(v.size(), s.end());
	}

	void string_bodies_are_not_interpreted()
	{
		// 'e' and ':' inside a string close nothing.
		auto [st, end] = scan("d3:e:e3:deee");
		CPPUNIT_ASSERT(st == Status::kComplete);
		CPPUNIT_ASSERT_EQUAL(size_t(12), end);
	}

	void rejects_what_cannot_be_bencode()
	{
		for (std::string v : {"x", "e", "ie", "i-e", "i1-2e", "i123456789012345678901e",
		                      "4x", "d3:abcXe", "{\"a\":1}", "99999999:"})
			CPPUNIT_ASSERT_MESSAGE(v, scan(v).first == Status::kInvalid);
	}

	void depth_limit()
	{
		CPPUNIT_ASSERT(scan(std::string(32, 'l') + std::string(32, 'e')).first ==
		               Status::kComplete);
		CPPUNIT_ASSERT(scan(std::string(33, 'l')).first == Status::kInvalid);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(BencodeScanTest);
