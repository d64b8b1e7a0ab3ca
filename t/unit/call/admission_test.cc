#include "call/admission.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace rtprelay;
using call::Admission;
using call::LoadFigures;
using call::Refusal;

// The decision over injected figures: the real load, CPU and bandwidth cannot be forced in a
// test, so the integration tests drive only max-sessions, max-bandwidth and drain.
class AdmissionTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(AdmissionTest);
	CPPUNIT_TEST(no_limits_admit_everything);
	CPPUNIT_TEST(session_limit);
	CPPUNIT_TEST(runtime_max_sessions);
	CPPUNIT_TEST(load_limit_at_or_above);
	CPPUNIT_TEST(cpu_limit_at_or_above);
	CPPUNIT_TEST(bandwidth_limit_at_or_above);
	CPPUNIT_TEST(order_of_reasons);
	CPPUNIT_TEST(drain_refuses_until_ended);
	CPPUNIT_TEST(refusals_counted_by_reason);
	CPPUNIT_TEST(rtpengine_messages);
	CPPUNIT_TEST_SUITE_END();

	static Config limits(int sessions, double load, double cpu, uint64_t bandwidth)
	{
		Config c;
		c.max_sessions = sessions;
		c.max_load = load;
		c.max_cpu = cpu;
		c.max_bandwidth = bandwidth;
		return c;
	}

public:
	void no_limits_admit_everything()
	{
		Admission a(Config{});
		a.set_figures({1000.0, 100.0, uint64_t{1} << 40});
		CPPUNIT_ASSERT(a.check(1000000) == Refusal::kNone);
	}

	void session_limit()
	{
		Admission a(limits(2, 0, 0, 0));
		CPPUNIT_ASSERT(a.check(0) == Refusal::kNone);
		CPPUNIT_ASSERT(a.check(1) == Refusal::kNone);
		CPPUNIT_ASSERT(a.check(2) == Refusal::kSessions);
		CPPUNIT_ASSERT(a.check(3) == Refusal::kSessions);
		// 0 admits no new call at all, as in rtpengine.
		Admission none(limits(0, 0, 0, 0));
		CPPUNIT_ASSERT(none.check(0) == Refusal::kSessions);
	}

	void runtime_max_sessions()
	{
		Admission a(limits(-1, 0, 0, 0));
		CPPUNIT_ASSERT(a.check(50) == Refusal::kNone);
		a.set_max_sessions(50);
		CPPUNIT_ASSERT_EQUAL(50, a.max_sessions());
		CPPUNIT_ASSERT(a.check(50) == Refusal::kSessions);
		CPPUNIT_ASSERT(a.check(49) == Refusal::kNone);
		a.set_max_sessions(-7); // anything below -1 means no limit too
		CPPUNIT_ASSERT_EQUAL(-1, a.max_sessions());
		CPPUNIT_ASSERT(a.check(50) == Refusal::kNone);
	}

	void load_limit_at_or_above()
	{
		Admission a(limits(-1, 2.5, 0, 0));
		a.set_figures({2.49, 0, 0});
		CPPUNIT_ASSERT(a.check(0) == Refusal::kNone);
		a.set_figures({2.5, 0, 0});
		CPPUNIT_ASSERT(a.check(0) == Refusal::kLoad);
		a.set_figures({7.0, 0, 0});
		CPPUNIT_ASSERT(a.check(0) == Refusal::kLoad);
		a.set_figures({0.3, 0, 0}); // the load went down again
		CPPUNIT_ASSERT(a.check(0) == Refusal::kNone);
	}

	void cpu_limit_at_or_above()
	{
		Admission a(limits(-1, 0, 80, 0));
		a.set_figures({0, 79.9, 0});
		CPPUNIT_ASSERT(a.check(0) == Refusal::kNone);
		a.set_figures({0, 80, 0});
		CPPUNIT_ASSERT(a.check(0) == Refusal::kCpu);
		a.set_figures({0, 10, 0});
		CPPUNIT_ASSERT(a.check(0) == Refusal::kNone);
	}

	void bandwidth_limit_at_or_above()
	{
		Admission a(limits(-1, 0, 0, 1000));
		a.set_figures({0, 0, 999});
		CPPUNIT_ASSERT(a.check(0) == Refusal::kNone);
		a.set_figures({0, 0, 1000});
		CPPUNIT_ASSERT(a.check(0) == Refusal::kBandwidth);
	}

	void order_of_reasons()
	{
		// Every limit hit at once: drain first, then rtpengine's order.
		Admission a(limits(1, 1, 1, 1));
		a.set_figures({5, 50, 5000});
		a.set_draining(true);
		CPPUNIT_ASSERT(a.check(1) == Refusal::kDraining);
		a.set_draining(false);
		CPPUNIT_ASSERT(a.check(1) == Refusal::kSessions);
		CPPUNIT_ASSERT(a.check(0) == Refusal::kLoad);
		a.set_figures({0, 50, 5000});
		CPPUNIT_ASSERT(a.check(0) == Refusal::kCpu);
		a.set_figures({0, 0, 5000});
		CPPUNIT_ASSERT(a.check(0) == Refusal::kBandwidth);
	}

	void drain_refuses_until_ended()
	{
		Admission a(Config{});
		a.set_draining(true);
		CPPUNIT_ASSERT(a.draining());
		CPPUNIT_ASSERT(a.check(0) == Refusal::kDraining);
		a.set_draining(false);
		CPPUNIT_ASSERT(a.check(0) == Refusal::kNone);
	}

	void refusals_counted_by_reason()
	{
		Admission a(limits(1, 0, 0, 100));
		CPPUNIT_ASSERT(a.admit(0) == Refusal::kNone);
		CPPUNIT_ASSERT(a.admit(1) == Refusal::kSessions);
		CPPUNIT_ASSERT(a.admit(1) == Refusal::kSessions);
		a.set_figures({0, 0, 100});
		CPPUNIT_ASSERT(a.admit(0) == Refusal::kBandwidth);
		a.set_draining(true);
		CPPUNIT_ASSERT(a.admit(0) == Refusal::kDraining);
		// check() alone (SIP OPTIONS asking) counts nothing.
		CPPUNIT_ASSERT(a.check(0) == Refusal::kDraining);
		CPPUNIT_ASSERT_EQUAL(uint64_t{2}, a.refused(Refusal::kSessions));
		CPPUNIT_ASSERT_EQUAL(uint64_t{1}, a.refused(Refusal::kBandwidth));
		CPPUNIT_ASSERT_EQUAL(uint64_t{1}, a.refused(Refusal::kDraining));
		CPPUNIT_ASSERT_EQUAL(uint64_t{0}, a.refused(Refusal::kLoad));
		CPPUNIT_ASSERT_EQUAL(uint64_t{0}, a.refused(Refusal::kCpu));
	}

	void rtpengine_messages()
	{
		CPPUNIT_ASSERT(Admission::message(Refusal::kSessions) ==
		               "Parallel session limit reached");
		CPPUNIT_ASSERT(Admission::message(Refusal::kDraining) ==
		               "Parallel session limit reached");
		CPPUNIT_ASSERT(Admission::message(Refusal::kLoad) == "Load limit exceeded");
		CPPUNIT_ASSERT(Admission::message(Refusal::kCpu) == "CPU usage limit exceeded");
		CPPUNIT_ASSERT(Admission::message(Refusal::kBandwidth) ==
		               "Bandwidth limit exceeded");
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(AdmissionTest);
