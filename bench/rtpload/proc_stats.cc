// Parsing /proc/<pid>/stat and /proc/net/udp.
#include "proc_stats.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <unistd.h>

namespace rtpload {

Result<double> process_cpu_seconds(pid_t pid)
{
	std::string path = "/proc/" + std::to_string(pid) + "/stat";
	std::ifstream in(path);
	std::string line;
	if (!std::getline(in, line))
		return Error{"cannot read " + path};
	// The command name (field 2) may contain spaces and parentheses: skip past the last ')'.
	size_t close = line.rfind(')');
	if (close == std::string::npos)
		return Error{"unexpected format of " + path};
	std::istringstream fields(line.substr(close + 2));
	std::string skip;
	for (int i = 3; i < 14; i++) // fields 3..13
		fields >> skip;
	unsigned long long utime = 0, stime = 0;
	if (!(fields >> utime >> stime))
		return Error{"unexpected format of " + path};
	return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double self_cpu_seconds()
{
	rusage ru{};
	getrusage(RUSAGE_SELF, &ru);
	auto sec = [](const timeval& tv) {
		return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
	};
	return sec(ru.ru_utime) + sec(ru.ru_stime);
}

uint64_t udp_drops_in_port_range(uint32_t lo, uint32_t hi)
{
	FILE* f = fopen("/proc/net/udp", "r");
	if (!f)
		return 0;
	char line[512];
	uint64_t drops = 0;
	if (!fgets(line, sizeof line, f)) { // header
		fclose(f);
		return 0;
	}
	while (fgets(line, sizeof line, f)) {
		// sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ref
		// pointer drops; local_address is HEXADDR:HEXPORT.
		std::istringstream fields(line);
		std::string sl, local, tok;
		fields >> sl >> local;
		size_t colon = local.find(':');
		if (colon == std::string::npos)
			continue;
		unsigned long port = strtoul(local.c_str() + colon + 1, nullptr, 16);
		if (port < lo || port > hi)
			continue;
		for (int i = 3; i <= 12; i++)
			fields >> tok;
		uint64_t d = 0;
		if (fields >> d)
			drops += d;
	}
	fclose(f);
	return drops;
}

} // namespace rtpload
