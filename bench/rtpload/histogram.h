// Log-linear histogram of nanosecond durations: exact below 1,024 ns, then 64 buckets per
// power of two (under 1.6 % error). Fixed size, no allocation after construction.
#pragma once

#include <cstdint>
#include <vector>

namespace rtpload {

class Histogram {
public:
	Histogram();

	void add(int64_t ns);
	void merge(const Histogram& o);
	void clear();

	uint64_t count() const { return count_; }
	int64_t max() const { return max_; }
	double mean() const;
	// The value below which a fraction `q` (0..1) of the samples lies; 0 when empty.
	int64_t quantile(double q) const;

private:
	std::vector<uint64_t> buckets_;
	uint64_t count_ = 0;
	int64_t max_ = 0;
	double sum_ = 0;
};

} // namespace rtpload
