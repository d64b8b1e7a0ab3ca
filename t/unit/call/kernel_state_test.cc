// SPDX-License-Identifier: GPL-3.0-or-later
#include "call/kernel_state.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace rtprelay;
using namespace rtprelay::call;
using media::MediaPath;

class KernelStateTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(KernelStateTest);
	CPPUNIT_TEST(path_is_judged_per_interval);
	CPPUNIT_TEST_SUITE_END();

public:
	// Each tick_path() call is one second's tick. Stream packets include the kernel's.
	void path_is_judged_per_interval()
	{
		KernelState k;
		CPPUNIT_ASSERT(k.tick_path(0) == MediaPath::kIdle);      // never carried a packet
		CPPUNIT_ASSERT(k.tick_path(4) == MediaPath::kUserspace); // learning, in userspace
		// Handed over: the kernel forwarded 100 while 2 queued packets still came up.
		k.packets = 100;
		CPPUNIT_ASSERT(k.tick_path(106) == MediaPath::kMixed);
		// The next second the kernel alone: no longer mixed.
		k.packets = 150;
		CPPUNIT_ASSERT(k.tick_path(156) == MediaPath::kKernel);
		// Silent: keeps its last path.
		CPPUNIT_ASSERT(k.tick_path(156) == MediaPath::kKernel);
		// Taken back: userspace alone again.
		CPPUNIT_ASSERT(k.tick_path(170) == MediaPath::kUserspace);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(KernelStateTest);
