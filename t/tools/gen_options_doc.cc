// Prints docs/configuration.md from the option table (`make docs`; t/run-tests.sh checks the
// committed file is current); with --man the rtprelayd(8) man page, with --ini the commented
// config file the Debian package ships. Both are generated at build time, so they cannot go
// stale.
#include <cstdio>
#include <cstring>

#include "config/help.h"

int main(int argc, char** argv)
{
	std::string out;
	if (argc == 1)
		out = rtprelay::config::options_markdown();
	else if (argc == 2 && strcmp(argv[1], "--man") == 0)
		out = rtprelay::config::options_manpage();
	else if (argc == 2 && strcmp(argv[1], "--ini") == 0)
		out = rtprelay::config::options_ini();
	else {
		fputs("usage: gen-options-doc [--man | --ini]\n", stderr);
		return 2;
	}
	fputs(out.c_str(), stdout);
	return 0;
}
