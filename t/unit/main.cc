// CppUnit runner: runs every registered suite (or those named on the command line) and ends
// with "unit: N passed, N failed" for t/run-tests.sh.
#include <cppunit/BriefTestProgressListener.h>
#include <cppunit/CompilerOutputter.h>
#include <cppunit/TestResult.h>
#include <cppunit/TestResultCollector.h>
#include <cppunit/TestRunner.h>
#include <cppunit/extensions/TestFactoryRegistry.h>

#include <cstdio>
#include <iostream>

#include "util/log.h"

int main(int argc, char** argv)
{
	// Quiet by default; RTPRELAY_TEST_LOG=7 shows the daemon's debug lines.
	rtprelay::log::Settings settings;
	settings.to_stderr = true;
	const char* level = getenv("RTPRELAY_TEST_LOG");
	settings.levels.fill(level ? atoi(level) : 2);
	rtprelay::log::init(settings);

	CppUnit::TestResult controller;
	CppUnit::TestResultCollector collector;
	controller.addListener(&collector);
	CppUnit::BriefTestProgressListener progress;
	controller.addListener(&progress);

	CppUnit::TestRunner runner;
	runner.addTest(CppUnit::TestFactoryRegistry::getRegistry().makeTest());
	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			runner.run(controller, argv[i]);
	} else
		runner.run(controller);

	CppUnit::CompilerOutputter(&collector, std::cerr).write();
	int run = collector.runTests();
	int failed = collector.testFailuresTotal();
	printf("unit: %d passed, %d failed\n", run - failed, failed);
	return failed == 0 ? 0 : 1;
}
