// A scenario's results: printed once for people (a titled block of labelled values) and once
// as a machine-readable line, `RESULT key=value ...`, which bench/run.py parses.
#pragma once

#include <string>
#include <vector>

namespace rtpload {

std::string fixed(double v, int decimals);

class Report {
public:
	explicit Report(std::string title) : title_(std::move(title)) {}

	// An empty key keeps the value out of the RESULT line; an empty label out of the block.
	void add(std::string key, std::string label, std::string value);
	void add(std::string key, std::string label, double value, int decimals);
	void note(std::string line) { notes_.push_back(std::move(line)); }
	void print() const;

private:
	struct Entry {
		std::string key, label, value;
	};
	std::string title_;
	std::vector<Entry> entries_;
	std::vector<std::string> notes_;
};

} // namespace rtpload
