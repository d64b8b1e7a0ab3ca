// SPDX-License-Identifier: GPL-3.0-or-later
// cli_merge: the proxy's CLI answer from its nodes' answers.
#include <cppunit/extensions/HelperMacros.h>

#include "ctl-proxy/proxy/cli_merge.h"

namespace rtprelay::proxy {

class CliMergeTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(CliMergeTest);
	CPPUNIT_TEST(session_lines_are_joined_without_the_empty_answers);
	CPPUNIT_TEST(no_sessions_anywhere_says_so_once);
	CPPUNIT_TEST(counts_are_summed_by_label_in_first_seen_order);
	CPPUNIT_TEST_SUITE_END();

public:
	void session_lines_are_joined_without_the_empty_answers()
	{
		std::string got = merge_session_lists(
		        {"callid: a | duration: 1\n", kNoSessions,
		         "callid: b | duration: 2\r\ncallid: c | duration: 3\n\n"});
		CPPUNIT_ASSERT_EQUAL(std::string("callid: a | duration: 1\n"
		                                 "callid: b | duration: 2\n"
		                                 "callid: c | duration: 3\n"),
		                     got);
	}

	void no_sessions_anywhere_says_so_once()
	{
		CPPUNIT_ASSERT_EQUAL(std::string(kNoSessions),
		                     merge_session_lists({kNoSessions, kNoSessions}));
		CPPUNIT_ASSERT_EQUAL(std::string(kNoSessions), merge_session_lists({}));
	}

	void counts_are_summed_by_label_in_first_seen_order()
	{
		std::string got =
		        sum_counts({"Current sessions own: 2\nCurrent sessions total: 2\n",
		                    "Current sessions own: 5\nSomething else\n"
		                    "Current sessions total: 6\nExtra: 1\n"});
		CPPUNIT_ASSERT_EQUAL(std::string("Current sessions own: 7\n"
		                                 "Current sessions total: 8\n"
		                                 "Something else\n"
		                                 "Extra: 1\n"),
		                     got);
		CPPUNIT_ASSERT_EQUAL(std::string(), sum_counts({}));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(CliMergeTest);

} // namespace rtprelay::proxy
