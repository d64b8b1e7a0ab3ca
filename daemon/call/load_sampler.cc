// SPDX-License-Identifier: GPL-3.0-or-later
#include "call/load_sampler.h"

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>

namespace rtprelay::call {

namespace {

int64_t monotonic_ms()
{
	timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

std::optional<CpuTimes> read_proc_stat()
{
	FILE* f = fopen("/proc/stat", "re");
	if (!f)
		return std::nullopt;
	char line[512];
	bool got = fgets(line, sizeof line, f) != nullptr;
	fclose(f);
	return got ? parse_proc_stat(line) : std::nullopt;
}

} // namespace

std::optional<CpuTimes> parse_proc_stat(std::string_view text)
{
	if (text.substr(0, 4) != "cpu ")
		return std::nullopt;
	// user nice system idle iowait irq softirq steal; guest time is already in user.
	std::string line(text.substr(4, text.find('\n')));
	const char* p = line.c_str();
	uint64_t fields[8] = {};
	int n = 0;
	for (; n < 8; n++) {
		char* end = nullptr;
		fields[n] = strtoull(p, &end, 10);
		if (end == p)
			break;
		p = end;
	}
	if (n < 4)
		return std::nullopt;
	CpuTimes t;
	for (int i = 0; i < n; i++)
		t.total += fields[i];
	uint64_t idle = fields[3] + fields[4]; // waiting for I/O is idle too
	t.busy = t.total - idle;
	return t;
}

double cpu_percent(const CpuTimes& before, const CpuTimes& now)
{
	if (now.total <= before.total || now.busy < before.busy)
		return 0;
	return 100.0 * static_cast<double>(now.busy - before.busy) /
	       static_cast<double>(now.total - before.total);
}

uint64_t bytes_per_second(uint64_t before, uint64_t now, int64_t elapsed_ms)
{
	if (elapsed_ms <= 0 || now < before)
		return 0;
	return (now - before) * 1000 / static_cast<uint64_t>(elapsed_ms);
}

LoadSampler::LoadSampler(Admission& admission, media::MediaLoops& loops)
    : admission_(admission), loops_(loops), cpu_(read_proc_stat()), bytes_(relayed_bytes()),
      at_ms_(monotonic_ms())
{
}

uint64_t LoadSampler::relayed_bytes() const
{
	uint64_t sum = 0;
	for (size_t i = 0; i < loops_.size(); i++) {
		const auto& c = loops_.at(i).counters();
		sum += c.user.load().bytes +
		       c.kernel.load().bytes; // the kernel's bytes are relayed too
	}
	return sum;
}

void LoadSampler::sample()
{
	LoadFigures f;
	double avg[1];
	if (getloadavg(avg, 1) == 1)
		f.load = avg[0];
	auto cpu = read_proc_stat();
	if (cpu && cpu_)
		f.cpu = cpu_percent(*cpu_, *cpu);
	cpu_ = cpu;
	uint64_t bytes = relayed_bytes();
	int64_t now = monotonic_ms();
	f.bandwidth = bytes_per_second(bytes_, bytes, now - at_ms_);
	bytes_ = bytes;
	at_ms_ = now;
	admission_.set_figures(f);
}

} // namespace rtprelay::call
