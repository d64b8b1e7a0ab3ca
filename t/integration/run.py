#!/usr/bin/env python3
"""Runs every t/integration/test_*.py against the real rtprelayd.

    python3 t/integration/run.py [-q] [test name ...]

The binary is $RTPRELAYD (default build/rtprelayd, relative to the repository root). Test
names are unittest names such as test_ping or test_ping.PingTest.test_json_ping. The last
line printed is always `integration: N passed, N failed`; the exit code is non-zero when
anything failed.
"""

import os
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))


def main(argv):
    sys.path.insert(0, HERE)
    import daemon  # noqa: E402 (needs the path above)

    verbosity = 2
    names = []
    for arg in argv:
        if arg in ("-q", "--quiet"):
            verbosity = 1
        elif arg in ("-h", "--help"):
            print(__doc__.strip())
            return 0
        else:
            names.append(arg)

    loader = unittest.TestLoader()
    if names:
        suite = loader.loadTestsFromNames(names)
    else:
        suite = loader.discover(HERE, pattern="test_*.py", top_level_dir=HERE)

    binary = daemon.binary()
    print("integration: rtprelayd binary %s" % binary, flush=True)
    if not os.access(binary, os.X_OK):
        print("integration: %s is not an executable file (build it with `make all`)" % binary)
        print("integration: 0 passed, 1 failed")
        return 1

    started = time.monotonic()
    runner = unittest.TextTestRunner(stream=sys.stdout, verbosity=verbosity)
    result = runner.run(suite)
    sys.stderr.flush()

    # A test with failing subtests, or failing both in its body and in a clean-up, counts
    # once; a failing setUpClass/tearDownClass counts as one failed entry of its own.
    bad = {}
    for test, _ in result.failures + result.errors:
        owner = getattr(test, "test_case", test)  # a subtest's parent test
        bad[owner.id()] = isinstance(owner, unittest.TestCase)
    failed = len(bad) + len(result.unexpectedSuccesses)
    passed = max(0, result.testsRun - sum(bad.values()) - len(result.skipped)
                 - len(result.unexpectedSuccesses))
    if result.testsRun == 0:
        failed = max(failed, 1)  # an empty run means discovery broke
    print("integration: %d skipped, %.1f s" % (len(result.skipped),
                                                time.monotonic() - started))
    sys.stdout.flush()
    print("integration: %d passed, %d failed" % (passed, failed), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
