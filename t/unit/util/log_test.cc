#include "util/log.h"

#include <cppunit/extensions/HelperMacros.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

using namespace rtprelay;

// Captures what the logger writes to stderr while alive.
class StderrCapture {
public:
	StderrCapture() : path_("/tmp/rtprelay-log-test-" + std::to_string(getpid()))
	{
		fflush(stderr);
		saved_ = dup(STDERR_FILENO);
		FILE* f = fopen(path_.c_str(), "w");
		dup2(fileno(f), STDERR_FILENO);
		fclose(f);
	}
	~StderrCapture()
	{
		restore();
		remove(path_.c_str());
	}
	std::string text()
	{
		restore();
		std::ifstream in(path_);
		std::stringstream ss;
		ss << in.rdbuf();
		return ss.str();
	}

private:
	void restore()
	{
		if (saved_ < 0)
			return;
		fflush(stderr);
		dup2(saved_, STDERR_FILENO);
		close(saved_);
		saved_ = -1;
	}
	std::string path_;
	int saved_ = -1;
};

class LogTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(LogTest);
	CPPUNIT_TEST(levels_per_subsystem);
	CPPUNIT_TEST(call_scope_tags_lines);
	CPPUNIT_TEST(call_id_is_sanitized);
	CPPUNIT_TEST(facility_names);
	CPPUNIT_TEST_SUITE_END();

	log::Settings saved_;

	static void set_levels(int core, int control)
	{
		log::Settings s;
		s.to_stderr = true;
		s.levels[static_cast<size_t>(log::Subsystem::kCore)] = core;
		s.levels[static_cast<size_t>(log::Subsystem::kControl)] = control;
		log::init(s);
	}

public:
	void tearDown() override { set_levels(2, 2); }

	void levels_per_subsystem()
	{
		set_levels(6, 4);
		StderrCapture cap;
		log::info(log::Subsystem::kCore, "core-info %d", 1);
		log::info(log::Subsystem::kControl, "control-info");
		log::warn(log::Subsystem::kControl, "control-warn");
		log::debug(log::Subsystem::kCore, "core-debug");
		std::string out = cap.text();
		CPPUNIT_ASSERT_MESSAGE(out,
		                       out.find("INFO: [core] core-info 1") != std::string::npos);
		CPPUNIT_ASSERT_MESSAGE(out, out.find("WARNING: [control] control-warn") !=
		                                    std::string::npos);
		CPPUNIT_ASSERT_MESSAGE(out, out.find("control-info") == std::string::npos);
		CPPUNIT_ASSERT_MESSAGE(out, out.find("core-debug") == std::string::npos);
	}

	void call_scope_tags_lines()
	{
		set_levels(6, 6);
		StderrCapture cap;
		{
			log::CallScope outer("call-1@host");
			log::info(log::Subsystem::kControl, "in outer");
			{
				log::CallScope inner("call-2");
				log::info(log::Subsystem::kControl, "in inner");
			}
			log::info(log::Subsystem::kControl, "outer again");
		}
		log::info(log::Subsystem::kControl, "no call");
		std::string out = cap.text();
		CPPUNIT_ASSERT_MESSAGE(out, out.find("[control] [ID=\"call-1@host\"] in outer") !=
		                                    std::string::npos);
		CPPUNIT_ASSERT_MESSAGE(out, out.find("[control] [ID=\"call-2\"] in inner") !=
		                                    std::string::npos);
		CPPUNIT_ASSERT_MESSAGE(out,
		                       out.find("[control] [ID=\"call-1@host\"] outer again") !=
		                               std::string::npos);
		CPPUNIT_ASSERT_MESSAGE(out, out.find("[control] no call") != std::string::npos);
	}

	void call_id_is_sanitized()
	{
		set_levels(6, 6);
		StderrCapture cap;
		{
			log::CallScope scope(std::string_view("evil\n\"id", 8));
			log::info(log::Subsystem::kCore, "x");
		}
		std::string out = cap.text();
		CPPUNIT_ASSERT_MESSAGE(out, out.find("[ID=\"evil\\x0a\\x22id\"] x") !=
		                                    std::string::npos);
	}

	void facility_names()
	{
		CPPUNIT_ASSERT_EQUAL(3 << 3, log::facility_from_name("daemon"));
		CPPUNIT_ASSERT_EQUAL(23 << 3, log::facility_from_name("LOCAL7"));
		CPPUNIT_ASSERT_EQUAL(-1, log::facility_from_name("kern"));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(LogTest);
