// SPDX-License-Identifier: GPL-3.0-or-later
#include "ctl-proxy/cli_output.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace rtprelay;
using namespace rtprelay::ctl;

class CliOutputTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(CliOutputTest);
	CPPUNIT_TEST(error_only_on_the_first_line);
	CPPUNIT_TEST(key_values_sections_and_tables);
	CPPUNIT_TEST(session_list);
	CPPUNIT_TEST(interfaces);
	CPPUNIT_TEST(json_checked_and_lines_kept);
	CPPUNIT_TEST_SUITE_END();

	static std::string json(CliFormat f, std::string_view text)
	{
		auto out = cli_json(f, text);
		CPPUNIT_ASSERT(out);
		return *out;
	}

public:
	void error_only_on_the_first_line()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("Call Id not found (x)."),
		                     *cli_error_line("\nCall Id not found (x).\n\n"));
		CPPUNIT_ASSERT(cli_error_line("Unknown or incomplete command::bogus\n"));
		CPPUNIT_ASSERT(cli_error_line("Fail setting maxsessions to x; no digists found\n"));
		CPPUNIT_ASSERT(!cli_error_line("\nStatistics:\n Errors per second :0\n"));
		CPPUNIT_ASSERT(!cli_error_line("Success setting timeout to 5\n"));
		CPPUNIT_ASSERT(!cli_error_line(""));
	}

	void key_values_sections_and_tables()
	{
		CPPUNIT_ASSERT_EQUAL(
		        std::string(R"({"Current sessions own":1,"TIMEOUT":60,"core":6})"),
		        json(CliFormat::kKeyValues,
		             "Current sessions own: 1\nTIMEOUT=60\ncore = 6\n"));
		CPPUNIT_ASSERT_EQUAL(
		        std::string(
		                R"({"Totals":{"Uptime":"5 seconds","Managed":2},)"
		                R"("Control statistics":{"rows":[{"Proxy":"127.0.0.1","Ping":3}]}})"),
		        json(CliFormat::kKeyValues,
		             "\nTotals:\n\n Uptime      :5 seconds\n Managed     :2\n\n"
		             "Control statistics:\n\n   Proxy |  Ping \n 127.0.0.1 | 3 \n"));
		CPPUNIT_ASSERT_EQUAL(
		        std::string(R"({"callid":"c1","lines":["--- Tag 'A', type: FROM_TAG"]})"),
		        json(CliFormat::kKeyValues, "callid: c1\n\n--- Tag 'A', type: FROM_TAG\n"));
	}

	void session_list()
	{
		std::string text = "callid: c1 | deletionmark:  no | created:  17 | foreign:no\n"
		                   "callid: c2 | deletionmark: yes | created:  18 | foreign:no\n";
		CPPUNIT_ASSERT_EQUAL(
		        std::string(
		                R"([{"callid":"c1","deletionmark":"no","created":17,"foreign":"no"},)"
		                R"({"callid":"c2","deletionmark":"yes","created":18,"foreign":"no"}])"),
		        json(CliFormat::kSessionList, text));
		CPPUNIT_ASSERT_EQUAL(std::string("[]"), json(CliFormat::kSessionList,
		                                             "No sessions on this media relay.\n"));
		std::string table = cli_human(CliFormat::kSessionList, text);
		CPPUNIT_ASSERT_EQUAL(std::string("callid  deletionmark  created  foreign\n"
		                                 "c1      no                 17  no\n"
		                                 "c2      yes                18  no\n"),
		                     table);
	}

	void interfaces()
	{
		CPPUNIT_ASSERT_EQUAL(
		        std::string(
		                R"([{"name":"default","address":"::1","family":"IPv6",)"
		                R"x("Port range":"30000 - 30009","Ports used":"2 / 10 (20.0%)"}])x"),
		        json(CliFormat::kInterfaces, "Interface 'default' address '::1' (IPv6)\n"
		                                     " Port range: 30000 - 30009\n"
		                                     " Ports used: 2 / 10 (20.0%)\n"));
	}

	void json_checked_and_lines_kept()
	{
		CPPUNIT_ASSERT_EQUAL(std::string(R"({"a":0.5})"),
		                     json(CliFormat::kJson, "{\"a\":0.5}\n"));
		CPPUNIT_ASSERT(!cli_json(CliFormat::kJson, "not json"));
		CPPUNIT_ASSERT_EQUAL(std::string(R"({"lines":["0"]})"),
		                     json(CliFormat::kLines, "0\n"));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(CliOutputTest);
