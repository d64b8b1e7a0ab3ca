// The CLI command lookup: split like rtpengine, longest entry first, `get` as `list`.
#include <cppunit/extensions/HelperMacros.h>

#include "cli/command.h"

using namespace rtprelay;
using namespace rtprelay::cli;

namespace {

void list_cmd(Context& /*ctx*/, std::span<const std::string_view> /*args*/, const Reply& /*done*/)
{
}
void list_sessions(Context& /*ctx*/, std::span<const std::string_view> /*args*/,
                   const Reply& /*done*/)
{
}

} // namespace

class CliCommandTableTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(CliCommandTableTest);
	CPPUNIT_TEST(splits_at_runs_of_blanks);
	CPPUNIT_TEST(longest_match_wins_and_leaves_arguments);
	CPPUNIT_TEST(get_is_list);
	CPPUNIT_TEST(unknown_and_partial_lines_match_nothing);
	CPPUNIT_TEST_SUITE_END();

	CommandTable table_;

public:
	void setUp() override
	{
		table_.add("list", list_cmd);
		table_.add("list sessions", list_sessions);
	}

	void splits_at_runs_of_blanks()
	{
		auto w = split_words(" \tlist  sessions\t all ");
		CPPUNIT_ASSERT_EQUAL(size_t{3}, w.size());
		CPPUNIT_ASSERT(w[0] == "list" && w[1] == "sessions" && w[2] == "all");
		CPPUNIT_ASSERT(split_words("  \t ").empty());
	}

	void longest_match_wins_and_leaves_arguments()
	{
		std::vector<std::string_view> line{"list", "sessions", "all"};
		auto m = table_.find(line);
		CPPUNIT_ASSERT(m.handler == list_sessions);
		CPPUNIT_ASSERT_EQUAL(size_t{2}, m.words);
		std::vector<std::string_view> other{"list", "totals"};
		m = table_.find(other);
		CPPUNIT_ASSERT(m.handler == list_cmd);
		CPPUNIT_ASSERT_EQUAL(size_t{1}, m.words);
	}

	void get_is_list()
	{
		std::vector<std::string_view> line{"get", "sessions"};
		CPPUNIT_ASSERT(table_.find(line).handler == list_sessions);
	}

	void unknown_and_partial_lines_match_nothing()
	{
		std::vector<std::string_view> none;
		CPPUNIT_ASSERT(table_.find(none).handler == nullptr);
		std::vector<std::string_view> other{"LIST", "sessions"};
		CPPUNIT_ASSERT(table_.find(other).handler == nullptr);
		std::vector<std::string_view> sessions{"sessions"};
		CPPUNIT_ASSERT(table_.find(sessions).handler == nullptr);
		CPPUNIT_ASSERT_EQUAL(std::string("Unknown or incomplete command::x y\n"),
		                     unknown_command("x y"));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(CliCommandTableTest);
