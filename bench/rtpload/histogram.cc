// Bucket arithmetic for Histogram.
#include "histogram.h"

#include <algorithm>
#include <bit>

namespace rtpload {
namespace {

constexpr int kSubBits = 6; // 64 sub-buckets per power of two
constexpr uint64_t kLinear = 1024;
constexpr int kLinearBits = 10;
constexpr size_t kBuckets = kLinear + (64 - kLinearBits) * (1 << kSubBits);

size_t index_of(uint64_t v)
{
	if (v < kLinear)
		return v;
	int e = std::bit_width(v) - 1; // >= 10
	uint64_t sub = (v >> (e - kSubBits)) & ((1 << kSubBits) - 1);
	return kLinear + static_cast<size_t>(e - kLinearBits) * (1 << kSubBits) + sub;
}

// Midpoint of a bucket.
int64_t value_of(size_t i)
{
	if (i < kLinear)
		return static_cast<int64_t>(i);
	size_t k = i - kLinear;
	int e = static_cast<int>(k >> kSubBits) + kLinearBits;
	uint64_t sub = k & ((1 << kSubBits) - 1);
	uint64_t lo = (uint64_t{1} << e) + (sub << (e - kSubBits));
	uint64_t width = uint64_t{1} << (e - kSubBits);
	return static_cast<int64_t>(lo + width / 2);
}

} // namespace

Histogram::Histogram() : buckets_(kBuckets, 0) {}

void Histogram::add(int64_t ns)
{
	uint64_t v = ns < 0 ? 0 : static_cast<uint64_t>(ns);
	buckets_[index_of(v)]++;
	count_++;
	sum_ += static_cast<double>(v);
	if (static_cast<int64_t>(v) > max_)
		max_ = static_cast<int64_t>(v);
}

void Histogram::merge(const Histogram& o)
{
	for (size_t i = 0; i < buckets_.size(); i++)
		buckets_[i] += o.buckets_[i];
	count_ += o.count_;
	sum_ += o.sum_;
	if (o.max_ > max_)
		max_ = o.max_;
}

void Histogram::clear()
{
	std::fill(buckets_.begin(), buckets_.end(), 0);
	count_ = 0;
	max_ = 0;
	sum_ = 0;
}

double Histogram::mean() const
{
	return count_ ? sum_ / static_cast<double>(count_) : 0;
}

int64_t Histogram::quantile(double q) const
{
	if (count_ == 0)
		return 0;
	uint64_t rank = static_cast<uint64_t>(q * static_cast<double>(count_ - 1)) + 1;
	uint64_t seen = 0;
	for (size_t i = 0; i < buckets_.size(); i++) {
		seen += buckets_[i];
		if (seen >= rank)
			return std::min(value_of(i), max_);
	}
	return max_;
}

} // namespace rtpload
