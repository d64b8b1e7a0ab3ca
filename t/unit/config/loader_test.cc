#include "config/loader.h"

#include <cppunit/extensions/HelperMacros.h>

#include <cstdio>
#include <fstream>
#include <initializer_list>
#include <vector>

#include "config/help.h"
#include "config/option_table.h"

using namespace rtprelay;
using namespace rtprelay::config;

class LoaderTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(LoaderTest);
	CPPUNIT_TEST(defaults);
	CPPUNIT_TEST(long_and_short_forms);
	CPPUNIT_TEST(interfaces);
	CPPUNIT_TEST(wildcard_interfaces_refused);
	CPPUNIT_TEST(listen_ng_forms);
	CPPUNIT_TEST(listen_cli_forms);
	CPPUNIT_TEST(invalid_values_name_the_option);
	CPPUNIT_TEST(unknown_and_unimplemented_options);
	CPPUNIT_TEST(missing_value);
	CPPUNIT_TEST(cross_checks);
	CPPUNIT_TEST(help_and_version);
	CPPUNIT_TEST(config_file_sections);
	CPPUNIT_TEST(command_line_overrides_file);
	CPPUNIT_TEST(config_file_errors);
	CPPUNIT_TEST(default_file_only_if_present);
	CPPUNIT_TEST(every_option_is_documented);
	CPPUNIT_TEST_SUITE_END();

	std::string tmpfile_;

	Result<Loaded> load_args(std::initializer_list<const char*> args,
	                         const std::string& default_file = "/nonexistent/rtprelay.conf")
	{
		std::vector<const char*> argv{"rtprelayd"};
		argv.insert(argv.end(), args);
		return load(static_cast<int>(argv.size()), argv.data(), default_file);
	}

	Config ok(std::initializer_list<const char*> args)
	{
		auto r = load_args(args);
		CPPUNIT_ASSERT_MESSAGE(r ? "" : r.error().reason, r);
		return r->config;
	}

	std::string error(std::initializer_list<const char*> args)
	{
		auto r = load_args(args);
		CPPUNIT_ASSERT_MESSAGE("expected an error", !r);
		return r.error().reason;
	}

	std::string write_file(const std::string& content)
	{
		std::ofstream(tmpfile_) << content;
		return tmpfile_;
	}

	static bool contains(const std::string& s, const std::string& part)
	{
		return s.find(part) != std::string::npos;
	}

public:
	void setUp() override
	{
		tmpfile_ = "/tmp/rtprelay-loader-test-" + std::to_string(getpid()) + ".conf";
	}
	void tearDown() override { remove(tmpfile_.c_str()); }

	void defaults()
	{
		Config c = ok({});
		CPPUNIT_ASSERT_EQUAL(size_t(1), c.interfaces.size());
		CPPUNIT_ASSERT_EQUAL(std::string("default/127.0.0.1"), c.interfaces[0].to_string());
		CPPUNIT_ASSERT_EQUAL(size_t(1), c.listen_ng.size());
		CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1:2223"), c.listen_ng[0].to_string());
		CPPUNIT_ASSERT_EQUAL(0, c.table);
		CPPUNIT_ASSERT_EQUAL(6, c.log.levels[0]);
		CPPUNIT_ASSERT(!c.foreground);
		CPPUNIT_ASSERT(!c.log.to_stderr);
	}

	void long_and_short_forms()
	{
		Config c = ok({"--table=-1", "-m", "20000", "-M40000", "--timeout", "30", "-fE",
		               "--log-level=7", "--log-level-control=3", "--pidfile=/run/x.pid",
		               "--num-threads=4", "-T", "0", "--delete-delay=0",
		               "--log-facility=local3"});
		CPPUNIT_ASSERT_EQUAL(-1, c.table);
		CPPUNIT_ASSERT_EQUAL(uint16_t(20000), c.port_min);
		CPPUNIT_ASSERT_EQUAL(uint16_t(40000), c.port_max);
		CPPUNIT_ASSERT_EQUAL(30, c.timeout);
		CPPUNIT_ASSERT(c.foreground);
		CPPUNIT_ASSERT(c.log.to_stderr);
		CPPUNIT_ASSERT_EQUAL(7, c.log.levels[static_cast<size_t>(log::Subsystem::kCore)]);
		CPPUNIT_ASSERT_EQUAL(3,
		                     c.log.levels[static_cast<size_t>(log::Subsystem::kControl)]);
		CPPUNIT_ASSERT_EQUAL(std::string("/run/x.pid"), c.pidfile);
		CPPUNIT_ASSERT_EQUAL(4, c.num_threads);
		CPPUNIT_ASSERT_EQUAL(0, c.tos);
		CPPUNIT_ASSERT_EQUAL(0, c.delete_delay);
		CPPUNIT_ASSERT_EQUAL(19 << 3, c.log.facility);
		CPPUNIT_ASSERT_EQUAL(0, c.socket_rcvbuf);
		CPPUNIT_ASSERT_EQUAL(1 << 20, ok({"--socket-rcvbuf=1048576"}).socket_rcvbuf);
		// Flags take an explicit boolean too.
		CPPUNIT_ASSERT(!ok({"--foreground=no"}).foreground);
	}

	void interfaces()
	{
		Config c = ok({"--interface=external/203.0.113.5!198.51.100.5", "-i",
		               "internal/10.0.0.1", "--interface=2001:db8::1",
		               "--interface=internal/10.0.0.2"});
		CPPUNIT_ASSERT_EQUAL(size_t(4), c.interfaces.size());
		CPPUNIT_ASSERT_EQUAL(std::string("external/203.0.113.5!198.51.100.5"),
		                     c.interfaces[0].to_string());
		CPPUNIT_ASSERT_EQUAL(std::string("internal/10.0.0.1"), c.interfaces[1].to_string());
		CPPUNIT_ASSERT_EQUAL(std::string("default/2001:db8::1"),
		                     c.interfaces[2].to_string());
		CPPUNIT_ASSERT(
		        contains(error({"--interface=eth0"}), "'eth0' is not an IP address"));
		CPPUNIT_ASSERT(
		        contains(error({"--interface=a b/1.2.3.4"}), "not a valid interface name"));
		CPPUNIT_ASSERT(
		        contains(error({"--interface=x/1.2.3.4!nope"}), "advertised address"));
	}

	// A wildcard socket cannot work (the kernel path and symmetric RTP need the address
	// packets arrive at), and 0.0.0.0 in SDP means "on hold".
	void wildcard_interfaces_refused()
	{
		for (const char* arg :
		     {"--interface=0.0.0.0", "--interface=ext/::", "--interface=::ffff:0.0.0.0",
		      "--interface=0.0.0.0!203.0.113.5", "--interface=x/::!2001:db8::5"}) {
			std::string e = error({arg});
			CPPUNIT_ASSERT_MESSAGE(e, contains(e, "for --interface: "));
			CPPUNIT_ASSERT_MESSAGE(e, contains(e, "is the wildcard address"));
			CPPUNIT_ASSERT_MESSAGE(e, contains(e, "concrete local address"));
		}
		for (const char* arg :
		     {"--interface=203.0.113.5!0.0.0.0", "--interface=x/::1!::"}) {
			std::string e = error({arg});
			CPPUNIT_ASSERT_MESSAGE(e,
			                       contains(e, "for --interface: advertised address"));
			CPPUNIT_ASSERT_MESSAGE(e, contains(e, "'on hold'"));
		}
		// Concrete addresses that merely look close stay valid.
		Config c = ok(
		        {"--interface=0.0.0.1", "--interface=::2", "--interface=::ffff:10.0.0.1"});
		CPPUNIT_ASSERT_EQUAL(size_t(3), c.interfaces.size());
		std::string file = write_file("[rtprelay]\ninterface = 127.0.0.1; int/0.0.0.0\n");
		std::string e = error({"--config-file", file.c_str()});
		CPPUNIT_ASSERT_MESSAGE(e,
		                       contains(e, ": interface: 0.0.0.0 is the wildcard address"));
	}

	void listen_ng_forms()
	{
		Config c =
		        ok({"--listen-ng=2224", "-n", "[::1]:2225", "--listen-ng=192.0.2.1:2226"});
		CPPUNIT_ASSERT_EQUAL(size_t(3), c.listen_ng.size());
		CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1:2224"), c.listen_ng[0].to_string());
		CPPUNIT_ASSERT_EQUAL(std::string("[::1]:2225"), c.listen_ng[1].to_string());
		CPPUNIT_ASSERT_EQUAL(std::string("192.0.2.1:2226"), c.listen_ng[2].to_string());
		CPPUNIT_ASSERT(contains(error({"--listen-ng=::1:2223"}), "[ADDR]:PORT"));
		CPPUNIT_ASSERT(contains(error({"--listen-ng=127.0.0.1:0"}), "no valid port"));
		CPPUNIT_ASSERT(contains(error({"--listen-ng=127.0.0.1:70000"}), "no valid port"));
		CPPUNIT_ASSERT(contains(error({"--listen-ng=1", "--listen-ng=127.0.0.1:1"}),
		                        "given twice"));
	}

	void listen_cli_forms()
	{
		CPPUNIT_ASSERT(!ok({}).listen_cli); // no CLI unless asked for
		CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1:9900"),
		                     ok({"--listen-cli=9900"}).listen_cli->to_string());
		CPPUNIT_ASSERT_EQUAL(std::string("[::1]:9901"),
		                     ok({"-c", "[::1]:9901"}).listen_cli->to_string());
		CPPUNIT_ASSERT(contains(error({"--listen-cli=127.0.0.1:0"}), "no valid port"));
	}

	void invalid_values_name_the_option()
	{
		std::string e = error({"--port-min=abc"});
		CPPUNIT_ASSERT_MESSAGE(e, contains(e, "'abc'") && contains(e, "--port-min") &&
		                                  contains(e, "from 1024 to 65535"));
		CPPUNIT_ASSERT(contains(error({"-L", "9"}), "-L"));
		CPPUNIT_ASSERT(contains(error({"--table=-2"}), "--table"));
		CPPUNIT_ASSERT(contains(error({"--timeout=0"}), "--timeout"));
		CPPUNIT_ASSERT(contains(error({"--tos=256"}), "--tos"));
		CPPUNIT_ASSERT(contains(error({"--socket-rcvbuf=-1"}), "--socket-rcvbuf"));
		CPPUNIT_ASSERT(contains(error({"--foreground=maybe"}), "true or false"));
		CPPUNIT_ASSERT(contains(error({"--log-facility=kern"}), "local0"));
		CPPUNIT_ASSERT(contains(error({"--num-threads=1x"}), "--num-threads"));
		CPPUNIT_ASSERT(contains(error({"--pidfile="}), "file path"));
	}

	void unknown_and_unimplemented_options()
	{
		CPPUNIT_ASSERT(contains(error({"--bogus"}), "unknown option '--bogus'"));
		CPPUNIT_ASSERT(contains(error({"--bogus=1"}), "unknown option '--bogus'"));
		CPPUNIT_ASSERT(contains(error({"-Z"}), "unknown option '-Z'"));
		CPPUNIT_ASSERT(contains(error({"--homer=127.0.0.1:9060"}), "rtpengine option"));
		CPPUNIT_ASSERT(contains(error({"stray"}), "unexpected argument 'stray'"));
	}

	void missing_value()
	{
		CPPUNIT_ASSERT(contains(error({"--port-min"}), "--port-min needs a value"));
		CPPUNIT_ASSERT(contains(error({"-L"}), "-L needs a value"));
	}

	void cross_checks()
	{
		CPPUNIT_ASSERT(contains(error({"--port-min=40000", "--port-max=30000"}),
		                        "port-min (40000) must be lower than port-max (30000)"));
		CPPUNIT_ASSERT(contains(error({"--nftables-start", "--nftables-stop"}),
		                        "nftables-start and nftables-stop exclude each other"));
		CPPUNIT_ASSERT(contains(error({"--nftables-chain=INPUT"}),
		                        "both 'INPUT'; the base chain jumps to the chain"));
		// No rule, or no jump: nothing to clash.
		CPPUNIT_ASSERT(load_args({"--nftables-chain=", "--nftables-base-chain="}));
		CPPUNIT_ASSERT(load_args({"--nftables-chain=x", "--nftables-base-chain=none"}));
	}

	void help_and_version()
	{
		CPPUNIT_ASSERT(load_args({"--help"})->action == Loaded::Action::kHelp);
		CPPUNIT_ASSERT(load_args({"-v"})->action == Loaded::Action::kVersion);
		std::string help = help_text();
		for (const auto& o : option_table())
			CPPUNIT_ASSERT_MESSAGE(std::string(o.name),
			                       contains(help, "--" + std::string(o.name)));
	}

	void config_file_sections()
	{
		std::string f =
		        write_file("# comment\n; other comment\n[other]\nbogus = 1\n"
		                   "[rtpengine]\ninterface = a/10.0.0.1;b/10.0.0.2!1.2.3.4\n"
		                   "listen-ng = 127.0.0.1:5000\ntimeout = 77\nforeground = true\n");
		auto r = load_args({("--config-file=" + f).c_str()});
		CPPUNIT_ASSERT_MESSAGE(r ? "" : r.error().reason, r);
		CPPUNIT_ASSERT_EQUAL(f, r->config_file);
		CPPUNIT_ASSERT_EQUAL(size_t(2), r->config.interfaces.size());
		CPPUNIT_ASSERT_EQUAL(std::string("b/10.0.0.2!1.2.3.4"),
		                     r->config.interfaces[1].to_string());
		CPPUNIT_ASSERT_EQUAL(77, r->config.timeout);
		CPPUNIT_ASSERT(r->config.foreground);

		// [rtprelay] wins over [rtpengine]; --config-section picks any.
		write_file("[rtpengine]\ntimeout = 1\n[rtprelay]\ntimeout = 2\n[custom]\ntimeout = "
		           "3\n");
		CPPUNIT_ASSERT_EQUAL(2,
		                     load_args({("--config-file=" + f).c_str()})->config.timeout);
		CPPUNIT_ASSERT_EQUAL(
		        3, load_args({("--config-file=" + f).c_str(), "--config-section=custom"})
		                   ->config.timeout);
	}

	void command_line_overrides_file()
	{
		std::string f =
		        write_file("[rtprelay]\ntimeout = 10\ninterface = 10.0.0.1;10.0.0.2\n");
		auto r = load_args(
		        {"--timeout=20", ("--config-file=" + f).c_str(), "-i", "10.0.0.9"});
		CPPUNIT_ASSERT(r);
		CPPUNIT_ASSERT_EQUAL(20, r->config.timeout);
		// A list given on the command line replaces the file's list.
		CPPUNIT_ASSERT_EQUAL(size_t(1), r->config.interfaces.size());
		CPPUNIT_ASSERT_EQUAL(std::string("default/10.0.0.9"),
		                     r->config.interfaces[0].to_string());
	}

	void config_file_errors()
	{
		std::string f = write_file("[rtprelay]\n\ntimeout = 10\nbogus-key = 1\n");
		std::string arg = "--config-file=" + f;
		std::string e = error({arg.c_str()});
		CPPUNIT_ASSERT_MESSAGE(e, contains(e, f + ":4:") && contains(e, "'bogus-key'"));

		write_file("[rtprelay]\nport-min = 50000\nport-max = 40000\n");
		CPPUNIT_ASSERT(contains(error({arg.c_str()}), "port-min (50000)"));

		write_file("[rtprelay]\ntimeout = soon\n");
		e = error({arg.c_str()});
		CPPUNIT_ASSERT_MESSAGE(e, contains(e, f + ":2: timeout") && contains(e, "'soon'"));

		write_file("[rtprelay]\njust a line\n");
		CPPUNIT_ASSERT(contains(error({arg.c_str()}), ":2: expected 'key = value'"));
		write_file("timeout = 1\n");
		CPPUNIT_ASSERT(contains(error({arg.c_str()}), "before the first [section]"));
		write_file("[rtprelay\n");
		CPPUNIT_ASSERT(contains(error({arg.c_str()}), "malformed section header"));
		write_file("[rtprelay]\nconfig-file = /x\n");
		CPPUNIT_ASSERT(contains(error({arg.c_str()}), "only allowed on the command line"));
		write_file("[rtprelay]\nhomer = 127.0.0.1:9060\n");
		CPPUNIT_ASSERT(contains(error({arg.c_str()}), "rtpengine option"));

		CPPUNIT_ASSERT(contains(error({"--config-file=/nonexistent/x.conf"}),
		                        "cannot read config file /nonexistent/x.conf"));
		// Long lines are read whole (the packaged inih would cut them at 200 bytes).
		std::string many = "[rtprelay]\ninterface = ";
		for (int i = 1; i <= 40; i++)
			many += "n" + std::to_string(i) + "/10.0.0." + std::to_string(i) + ";";
		write_file(many + "\n");
		CPPUNIT_ASSERT_EQUAL(size_t(40),
		                     load_args({arg.c_str()})->config.interfaces.size());
	}

	void default_file_only_if_present()
	{
		std::string f = write_file("[rtprelay]\ntimeout = 42\n");
		CPPUNIT_ASSERT_EQUAL(42, load_args({}, f)->config.timeout);
		CPPUNIT_ASSERT_EQUAL(60, load_args({"--config-file=none"}, f)->config.timeout);
		auto missing = load_args({}, "/nonexistent/default.conf");
		CPPUNIT_ASSERT(missing && missing->config_file.empty());
	}

	void every_option_is_documented()
	{
		std::string md = options_markdown();
		for (const auto& o : option_table()) {
			CPPUNIT_ASSERT_MESSAGE(std::string(o.name), !o.help.empty());
			CPPUNIT_ASSERT_MESSAGE(std::string(o.name),
			                       contains(md, "`--" + std::string(o.name) + "`"));
		}
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(LoaderTest);
