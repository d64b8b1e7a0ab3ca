// SPDX-License-Identifier: GPL-3.0-or-later
#include "media/media_path.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace rtprelay;
using namespace rtprelay::media;

class MediaPathTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(MediaPathTest);
	CPPUNIT_TEST(paths_by_packets);
	CPPUNIT_TEST(counts_leave_idle_out);
	CPPUNIT_TEST_SUITE_END();

public:
	void paths_by_packets()
	{
		CPPUNIT_ASSERT(media_path(0, 0) == MediaPath::kIdle);
		CPPUNIT_ASSERT(media_path(3, 0) == MediaPath::kUserspace);
		CPPUNIT_ASSERT(media_path(0, 3) == MediaPath::kKernel);
		CPPUNIT_ASSERT(media_path(1, 3) == MediaPath::kMixed);
	}

	void counts_leave_idle_out()
	{
		MediaPathCount n;
		for (MediaPath p : {MediaPath::kIdle, MediaPath::kUserspace, MediaPath::kUserspace,
		                    MediaPath::kKernel, MediaPath::kMixed})
			n.add(p);
		CPPUNIT_ASSERT(n == (MediaPathCount{2, 1, 1}));
		n += MediaPathCount{1, 0, 2};
		CPPUNIT_ASSERT(n == (MediaPathCount{3, 1, 3}));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(MediaPathTest);
