// Prints docs/configuration.md from the option table (`make docs`; t/run-tests.sh checks the
// committed file is current).
#include <cstdio>

#include "config/help.h"

int main()
{
	fputs(rtprelay::config::options_markdown().c_str(), stdout);
	return 0;
}
