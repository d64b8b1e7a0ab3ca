// Formatting of the human block and the RESULT line.
#include "report.h"

#include <cmath>
#include <cstdio>

namespace rtpload {

std::string fixed(double v, int decimals)
{
	if (std::isnan(v))
		return "-";
	char buf[64];
	snprintf(buf, sizeof buf, "%.*f", decimals, v);
	return buf;
}

namespace {

// Display width of UTF-8 text: continuation bytes take no column.
size_t columns(const std::string& s)
{
	size_t n = 0;
	for (unsigned char c : s)
		n += (c & 0xc0) != 0x80;
	return n;
}

} // namespace

void Report::add(std::string key, std::string label, std::string value)
{
	entries_.push_back({std::move(key), std::move(label), std::move(value)});
}

void Report::add(std::string key, std::string label, double value, int decimals)
{
	add(std::move(key), std::move(label), fixed(value, decimals));
}

void Report::print() const
{
	printf("\n== %s ==\n", title_.c_str());
	for (const Entry& e : entries_) {
		if (e.label.empty())
			continue;
		size_t width = columns(e.label);
		std::string dots(width < 38 ? 38 - width : 1, '.');
		printf("  %s %s %s\n", e.label.c_str(), dots.c_str(), e.value.c_str());
	}
	for (const std::string& n : notes_)
		printf("  %s\n", n.c_str());
	printf("RESULT");
	for (const Entry& e : entries_)
		if (!e.key.empty())
			printf(" %s=%s", e.key.c_str(), e.value.c_str());
	printf("\n");
	fflush(stdout);
}

} // namespace rtpload
