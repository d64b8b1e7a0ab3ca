// SPDX-License-Identifier: GPL-3.0-or-later
// Tests load_proxy_options: rtprelay-ctl-proxy's command line, its INI file and their defaults.
#include "ctl-proxy/proxy/proxy_options.h"

#include <cppunit/extensions/HelperMacros.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

using namespace rtprelay;
using namespace rtprelay::proxy;

namespace {

// A command line; argv[0] is the program.
Result<ProxyOptions> load(const std::vector<std::string>& args,
                          const std::string& default_file = "/nonexistent/rtprelay-ctl-proxy.conf")
{
	std::vector<const char*> argv{"rtprelay-ctl-proxy"};
	for (const auto& a : args)
		argv.push_back(a.c_str());
	int argc = static_cast<int>(argv.size());
	argv.push_back(nullptr);
	return load_proxy_options(argc, argv.data(), default_file);
}

ProxyOptions loaded(const std::vector<std::string>& args,
                    const std::string& default_file = "/nonexistent/rtprelay-ctl-proxy.conf")
{
	auto r = load(args, default_file);
	if (!r)
		CPPUNIT_FAIL("did not load: " + r.error().reason);
	return *r;
}

std::string failure(const std::vector<std::string>& args,
                    const std::string& default_file = "/nonexistent/rtprelay-ctl-proxy.conf")
{
	auto r = load(args, default_file);
	if (r)
		CPPUNIT_FAIL("loaded where an error was expected");
	return r.error().reason;
}

bool contains(const std::string& s, const std::string& part)
{
	return s.find(part) != std::string::npos;
}

// A temporary INI file, removed with the object.
class TempFile {
public:
	explicit TempFile(const std::string& content)
	{
		std::string templ = "/tmp/proxy_options_test.XXXXXX";
		std::vector<char> name(templ.begin(), templ.end());
		name.push_back('\0');
		int fd = mkstemp(name.data());
		CPPUNIT_ASSERT(fd >= 0);
		path_ = name.data();
		CPPUNIT_ASSERT_EQUAL(static_cast<ssize_t>(content.size()),
		                     write(fd, content.data(), content.size()));
		close(fd);
	}
	~TempFile() { unlink(path_.c_str()); }
	TempFile(const TempFile&) = delete;
	TempFile& operator=(const TempFile&) = delete;

	const std::string& path() const { return path_; }

private:
	std::string path_;
};

const char* const kIni = "# rtprelay-ctl-proxy settings\n"
                         "[rtprelayd]\n"
                         "interface = 10.0.0.1\n"
                         "node-misses = 99\n"
                         "\n"
                         "[rtprelay-ctl-proxy]\n"
                         "node = a/127.0.0.1:1; b/127.0.0.1:2/3\n"
                         "node-misses = 4\n"
                         "\n"
                         "[other]\n"
                         "unknown-here = is fine\n";

} // namespace

class ProxyOptionsTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(ProxyOptionsTest);
	CPPUNIT_TEST(no_node_is_an_error);
	CPPUNIT_TEST(nodes_and_listen_addresses);
	CPPUNIT_TEST(defaults);
	CPPUNIT_TEST(unknown_option_is_an_error);
	CPPUNIT_TEST(bad_number_names_the_option);
	CPPUNIT_TEST(bad_node_and_duplicate_names_are_errors);
	CPPUNIT_TEST(ini_file_section_is_read);
	CPPUNIT_TEST(command_line_list_replaces_the_files);
	CPPUNIT_TEST(default_file_is_read_when_it_exists);
	CPPUNIT_TEST(unknown_key_in_the_section_names_file_and_line);
	CPPUNIT_TEST_SUITE_END();

public:
	void no_node_is_an_error()
	{
		std::string why = failure({"--config-file=none"});
		CPPUNIT_ASSERT(contains(why, "--node"));
		why = failure({"--config-file=none", "--listen-ng=127.0.0.1:5000"});
		CPPUNIT_ASSERT(contains(why, "--node"));
	}

	void nodes_and_listen_addresses()
	{
		ProxyOptions o =
		        loaded({"--config-file=none", "--node=a/127.0.0.1:2223/2", "--node",
		                "[::1]:2225", "--listen-ng=10.0.0.1:3000", "--listen-ng", "4000"});
		CPPUNIT_ASSERT_EQUAL(size_t{2}, o.nodes.size());
		CPPUNIT_ASSERT_EQUAL(std::string("a"), o.nodes[0].name);
		CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1:2223"), o.nodes[0].ng.to_string());
		CPPUNIT_ASSERT_EQUAL(2, o.nodes[0].weight);
		CPPUNIT_ASSERT_EQUAL(std::string("[::1]:2225"), o.nodes[1].name);
		CPPUNIT_ASSERT_EQUAL(1, o.nodes[1].weight);
		CPPUNIT_ASSERT_EQUAL(size_t{2}, o.listen_ng.size());
		CPPUNIT_ASSERT_EQUAL(std::string("10.0.0.1:3000"), o.listen_ng[0].to_string());
		CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1:4000"), o.listen_ng[1].to_string());
		CPPUNIT_ASSERT(o.listen_tcp_ng.empty());
		CPPUNIT_ASSERT(o.config_file.empty());

		// TCP only: no default UDP listener is added.
		o = loaded({"--config-file=none", "--node=127.0.0.1:1", "--listen-tcp-ng=5000"});
		CPPUNIT_ASSERT(o.listen_ng.empty());
		CPPUNIT_ASSERT_EQUAL(size_t{1}, o.listen_tcp_ng.size());
		CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1:5000"), o.listen_tcp_ng[0].to_string());
	}

	void defaults()
	{
		ProxyOptions o = loaded({"--config-file=none", "--node=127.0.0.1:2223"});
		CPPUNIT_ASSERT_EQUAL(size_t{1}, o.listen_ng.size());
		CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1:2224"), o.listen_ng[0].to_string());
		CPPUNIT_ASSERT_EQUAL(1000, o.node_timeout_ms);
		CPPUNIT_ASSERT_EQUAL(2, o.node_misses);
		CPPUNIT_ASSERT_EQUAL(86400, o.call_expires_s);
		CPPUNIT_ASSERT_EQUAL(10, o.refusal_hold_s);
		CPPUNIT_ASSERT(!o.redis.has_value());
		CPPUNIT_ASSERT(!o.log_stderr);
		CPPUNIT_ASSERT(!o.help);
		// Flags and numbers set.
		o = loaded({"--config-file=none", "--node=127.0.0.1:2223", "--node-timeout=250",
		            "--node-misses", "3", "--log-stderr"});
		CPPUNIT_ASSERT_EQUAL(250, o.node_timeout_ms);
		CPPUNIT_ASSERT_EQUAL(3, o.node_misses);
		CPPUNIT_ASSERT(o.log_stderr);
	}

	void unknown_option_is_an_error()
	{
		std::string why =
		        failure({"--config-file=none", "--node=127.0.0.1:1", "--bogus=1"});
		CPPUNIT_ASSERT(contains(why, "--bogus"));
		CPPUNIT_ASSERT(contains(why, "unknown option"));
		why = failure({"--config-file=none", "--node=127.0.0.1:1", "stray"});
		CPPUNIT_ASSERT(contains(why, "stray"));
		// A value option at the end without its value.
		why = failure({"--config-file=none", "--node=127.0.0.1:1", "--node-timeout"});
		CPPUNIT_ASSERT(contains(why, "--node-timeout"));
	}

	void bad_number_names_the_option()
	{
		std::string why =
		        failure({"--config-file=none", "--node=127.0.0.1:1", "--node-timeout=abc"});
		CPPUNIT_ASSERT(contains(why, "--node-timeout"));
		CPPUNIT_ASSERT(contains(why, "abc"));
		// Out of range is as bad.
		why = failure({"--config-file=none", "--node=127.0.0.1:1", "--node-misses=0"});
		CPPUNIT_ASSERT(contains(why, "--node-misses"));
		why = failure({"--config-file=none", "--node=127.0.0.1:1", "--node-misses=101"});
		CPPUNIT_ASSERT(contains(why, "--node-misses"));
		why = failure({"--config-file=none", "--node=127.0.0.1:1", "--log-stderr=maybe"});
		CPPUNIT_ASSERT(contains(why, "--log-stderr"));
	}

	void bad_node_and_duplicate_names_are_errors()
	{
		std::string why = failure({"--config-file=none", "--node=a/127.0.0.1"});
		CPPUNIT_ASSERT(contains(why, "--node"));
		why = failure(
		        {"--config-file=none", "--node=a/127.0.0.1:1", "--node=a/127.0.0.1:2"});
		CPPUNIT_ASSERT(contains(why, "given twice"));
		// Same address twice without names: the same default name.
		why = failure({"--config-file=none", "--node=127.0.0.1:1", "--node=127.0.0.1:1/2"});
		CPPUNIT_ASSERT(contains(why, "given twice"));
	}

	void ini_file_section_is_read()
	{
		TempFile f(kIni);
		ProxyOptions o = loaded({"--config-file=" + f.path()});
		CPPUNIT_ASSERT_EQUAL(f.path(), o.config_file);
		CPPUNIT_ASSERT_EQUAL(size_t{2}, o.nodes.size());
		CPPUNIT_ASSERT_EQUAL(std::string("a"), o.nodes[0].name);
		CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1:1"), o.nodes[0].ng.to_string());
		CPPUNIT_ASSERT_EQUAL(1, o.nodes[0].weight);
		CPPUNIT_ASSERT_EQUAL(std::string("b"), o.nodes[1].name);
		CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1:2"), o.nodes[1].ng.to_string());
		CPPUNIT_ASSERT_EQUAL(3, o.nodes[1].weight);
		// From our section, not [rtprelayd]'s 99.
		CPPUNIT_ASSERT_EQUAL(4, o.node_misses);
		CPPUNIT_ASSERT_EQUAL(1000, o.node_timeout_ms);
		CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1:2224"), o.listen_ng.at(0).to_string());
	}

	void command_line_list_replaces_the_files()
	{
		TempFile f(kIni);
		ProxyOptions o = loaded({"--config-file=" + f.path(), "--node=c/127.0.0.1:7"});
		CPPUNIT_ASSERT_EQUAL(size_t{1}, o.nodes.size());
		CPPUNIT_ASSERT_EQUAL(std::string("c"), o.nodes[0].name);
		CPPUNIT_ASSERT_EQUAL(4, o.node_misses); // the file's, not given on the command line
		// A single value on the command line wins over the file's.
		o = loaded({"--node-misses=7", "--config-file", f.path()});
		CPPUNIT_ASSERT_EQUAL(7, o.node_misses);
		CPPUNIT_ASSERT_EQUAL(size_t{2}, o.nodes.size());
	}

	void default_file_is_read_when_it_exists()
	{
		TempFile f(kIni);
		ProxyOptions o = loaded({}, f.path());
		CPPUNIT_ASSERT_EQUAL(f.path(), o.config_file);
		CPPUNIT_ASSERT_EQUAL(size_t{2}, o.nodes.size());
		// "none" skips it even when it exists.
		CPPUNIT_ASSERT(contains(failure({"--config-file=none"}, f.path()), "--node"));
		// A missing default file is no error; a missing given file is.
		o = loaded({"--node=127.0.0.1:1"}, "/nonexistent/x.conf");
		CPPUNIT_ASSERT(o.config_file.empty());
		std::string why =
		        failure({"--config-file=/nonexistent/x.conf", "--node=127.0.0.1:1"});
		CPPUNIT_ASSERT(contains(why, "/nonexistent/x.conf"));
	}

	void unknown_key_in_the_section_names_file_and_line()
	{
		TempFile f("[rtprelay-ctl-proxy]\n"
		           "node = 127.0.0.1:1\n"
		           "\n"
		           "no-such-option = 1\n");
		std::string why = failure({"--config-file=" + f.path()});
		CPPUNIT_ASSERT(contains(why, f.path() + ":4"));
		CPPUNIT_ASSERT(contains(why, "no-such-option"));
		CPPUNIT_ASSERT(contains(why, "unknown option"));
		// A bad value in the file names where it is too.
		TempFile g("[rtprelay-ctl-proxy]\n"
		           "node-timeout = soon\n"
		           "node = 127.0.0.1:1\n");
		why = failure({"--config-file=" + g.path()});
		CPPUNIT_ASSERT(contains(why, g.path() + ":2"));
		CPPUNIT_ASSERT(contains(why, "node-timeout"));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(ProxyOptionsTest);
