// SPDX-License-Identifier: GPL-3.0-or-later
#include "call/kernel_state.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace rtprelay;
using namespace rtprelay::call;
using media::MediaPath;

class KernelStateTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(KernelStateTest);
	CPPUNIT_TEST(kernel_state_counts_from_the_last_handover);
	CPPUNIT_TEST_SUITE_END();

public:
	// Stream packets include the kernel's; the first packets before a handover are forgotten.
	void kernel_state_counts_from_the_last_handover()
	{
		KernelState k;
		CPPUNIT_ASSERT(k.path(0) == MediaPath::kIdle);
		CPPUNIT_ASSERT(k.path(4) == MediaPath::kUserspace);
		k.mark_handover(4); // handed to the kernel after 4 userspace packets
		CPPUNIT_ASSERT(k.path(4) == MediaPath::kIdle);
		k.packets = 100; // the kernel forwarded 100
		CPPUNIT_ASSERT(k.path(104) == MediaPath::kKernel);
		CPPUNIT_ASSERT(k.path(105) == MediaPath::kMixed); // one came up to userspace
		k.mark_handover(105);                             // taken back
		CPPUNIT_ASSERT(k.path(105) == MediaPath::kIdle);
		CPPUNIT_ASSERT(k.path(110) == MediaPath::kUserspace);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(KernelStateTest);
