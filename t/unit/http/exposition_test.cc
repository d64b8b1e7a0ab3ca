#include "http/exposition.h"

#include <cppunit/extensions/HelperMacros.h>

#include <array>
#include <cmath>
#include <limits>
#include <string>

using namespace rtprelay::http;

class ExpositionTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(ExpositionTest);
	CPPUNIT_TEST(family_has_help_and_type_before_its_samples);
	CPPUNIT_TEST(labels_are_escaped);
	CPPUNIT_TEST(help_escapes_backslash_and_newline_only);
	CPPUNIT_TEST(values_are_spelled_as_the_format_wants);
	CPPUNIT_TEST(histogram_buckets_are_cumulative_and_end_in_inf);
	CPPUNIT_TEST(histogram_without_counts_still_has_its_inf_bucket);
	CPPUNIT_TEST_SUITE_END();

public:
	void family_has_help_and_type_before_its_samples()
	{
		Exposition e;
		e.family("rtprelay_x_total", Exposition::Type::kCounter, "Things.");
		e.sample({}, uint64_t{3});
		e.sample({{"a", "b"}, {"c", "d"}}, uint64_t{18446744073709551615U});
		e.family("rtprelay_y", Exposition::Type::kGauge, "Level.");
		e.sample({{"k", "v"}}, int64_t{-2});
		CPPUNIT_ASSERT_EQUAL(std::string("# HELP rtprelay_x_total Things.\n"
		                                 "# TYPE rtprelay_x_total counter\n"
		                                 "rtprelay_x_total 3\n"
		                                 "rtprelay_x_total{a=\"b\",c=\"d\"} "
		                                 "18446744073709551615\n"
		                                 "# HELP rtprelay_y Level.\n"
		                                 "# TYPE rtprelay_y gauge\n"
		                                 "rtprelay_y{k=\"v\"} -2\n"),
		                     e.take());
	}

	void labels_are_escaped()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("a\\\\b\\\"c\\nd'e"),
		                     escape_label("a\\b\"c\nd'e"));
		Exposition e;
		e.family("m", Exposition::Type::kGauge, "h");
		e.sample({{"l", "x\"y"}}, uint64_t{1});
		CPPUNIT_ASSERT(e.text().find("m{l=\"x\\\"y\"} 1\n") != std::string::npos);
	}

	void help_escapes_backslash_and_newline_only()
	{
		Exposition e;
		e.family("m", Exposition::Type::kGauge, "a \"q\" \\ b\nc");
		CPPUNIT_ASSERT_EQUAL(std::string("# HELP m a \"q\" \\\\ b\\nc\n# TYPE m gauge\n"),
		                     e.take());
	}

	void values_are_spelled_as_the_format_wants()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("0.005"), format_value(0.005));
		CPPUNIT_ASSERT_EQUAL(std::string("1"), format_value(1.0));
		CPPUNIT_ASSERT_EQUAL(std::string("1764670000.123"), format_value(1764670000.123));
		CPPUNIT_ASSERT_EQUAL(std::string("+Inf"),
		                     format_value(std::numeric_limits<double>::infinity()));
		CPPUNIT_ASSERT_EQUAL(std::string("-Inf"),
		                     format_value(-std::numeric_limits<double>::infinity()));
		CPPUNIT_ASSERT_EQUAL(std::string("NaN"), format_value(std::nan("")));
	}

	void histogram_buckets_are_cumulative_and_end_in_inf()
	{
		const std::array<double, 3> bounds = {0.01, 0.1, 1};
		const std::array<uint64_t, 4> counts = {2, 0, 5, 1};
		Exposition e;
		e.family("rtprelay_d_seconds", Exposition::Type::kHistogram, "Durations.");
		e.histogram({{"command", "offer"}}, {bounds, counts, 3.25});
		CPPUNIT_ASSERT_EQUAL(
		        std::string("# HELP rtprelay_d_seconds Durations.\n"
		                    "# TYPE rtprelay_d_seconds histogram\n"
		                    "rtprelay_d_seconds_bucket{command=\"offer\",le=\"0.01\"} 2\n"
		                    "rtprelay_d_seconds_bucket{command=\"offer\",le=\"0.1\"} 2\n"
		                    "rtprelay_d_seconds_bucket{command=\"offer\",le=\"1\"} 7\n"
		                    "rtprelay_d_seconds_bucket{command=\"offer\",le=\"+Inf\"} 8\n"
		                    "rtprelay_d_seconds_sum{command=\"offer\"} 3.25\n"
		                    "rtprelay_d_seconds_count{command=\"offer\"} 8\n"),
		        e.take());
	}

	void histogram_without_counts_still_has_its_inf_bucket()
	{
		const std::array<double, 1> bounds = {5};
		Exposition e;
		e.family("h", Exposition::Type::kHistogram, "x");
		e.histogram({}, {bounds, {}, 0});
		CPPUNIT_ASSERT_EQUAL(std::string("# HELP h x\n# TYPE h histogram\n"
		                                 "h_bucket{le=\"5\"} 0\nh_bucket{le=\"+Inf\"} 0\n"
		                                 "h_sum 0\nh_count 0\n"),
		                     e.take());
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(ExpositionTest);
