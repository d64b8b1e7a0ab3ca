#include "call/load_sampler.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace rtprelay::call;

class LoadSamplerTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(LoadSamplerTest);
	CPPUNIT_TEST(parses_the_aggregate_cpu_line);
	CPPUNIT_TEST(rejects_other_lines);
	CPPUNIT_TEST(cpu_percent_between_readings);
	CPPUNIT_TEST(bandwidth_per_second);
	CPPUNIT_TEST_SUITE_END();

public:
	void parses_the_aggregate_cpu_line()
	{
		// user nice system idle iowait irq softirq steal guest guest_nice (proc(5))
		auto t = parse_proc_stat(
		        "cpu  100 20 30 800 50 5 5 10 40 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n");
		CPPUNIT_ASSERT(t);
		CPPUNIT_ASSERT_EQUAL(uint64_t{1020}, t->total); // guest is already in user
		CPPUNIT_ASSERT_EQUAL(uint64_t{170}, t->busy);   // idle and iowait are not busy
		// Old kernels have only the first four fields.
		auto old = parse_proc_stat("cpu 10 0 10 80");
		CPPUNIT_ASSERT(old);
		CPPUNIT_ASSERT_EQUAL(uint64_t{100}, old->total);
		CPPUNIT_ASSERT_EQUAL(uint64_t{20}, old->busy);
	}

	void rejects_other_lines()
	{
		CPPUNIT_ASSERT(!parse_proc_stat("cpu0 1 2 3 4 5 6 7 8"));
		CPPUNIT_ASSERT(!parse_proc_stat("intr 1 2 3 4"));
		CPPUNIT_ASSERT(!parse_proc_stat("cpu 1 2"));
		CPPUNIT_ASSERT(!parse_proc_stat(""));
	}

	void cpu_percent_between_readings()
	{
		CPPUNIT_ASSERT_DOUBLES_EQUAL(25.0, cpu_percent({100, 1000}, {150, 1200}), 1e-9);
		CPPUNIT_ASSERT_DOUBLES_EQUAL(100.0, cpu_percent({0, 0}, {400, 400}), 1e-9);
		CPPUNIT_ASSERT_DOUBLES_EQUAL(0.0, cpu_percent({100, 1000}, {100, 1000}), 1e-9);
		// A counter that went back (a new boot, a bad read) gives 0, not a wrapped figure.
		CPPUNIT_ASSERT_DOUBLES_EQUAL(0.0, cpu_percent({500, 1000}, {100, 2000}), 1e-9);
	}

	void bandwidth_per_second()
	{
		CPPUNIT_ASSERT_EQUAL(uint64_t{1000}, bytes_per_second(5000, 6000, 1000));
		CPPUNIT_ASSERT_EQUAL(uint64_t{2000}, bytes_per_second(5000, 6000, 500));
		CPPUNIT_ASSERT_EQUAL(uint64_t{0}, bytes_per_second(5000, 5000, 1000));
		CPPUNIT_ASSERT_EQUAL(uint64_t{0}, bytes_per_second(5000, 6000, 0));
		CPPUNIT_ASSERT_EQUAL(uint64_t{0}, bytes_per_second(6000, 5000, 1000));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(LoadSamplerTest);
