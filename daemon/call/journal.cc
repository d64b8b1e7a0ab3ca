// SPDX-License-Identifier: GPL-3.0-or-later
#include "call/journal.h"

namespace rtprelay::call {

Journal::Journal(std::vector<std::string> requests, std::vector<Lease> leases,
                 std::vector<std::string> secrets)
    : requests_(std::move(requests)), leases_(std::move(leases)), secrets_(std::move(secrets))
{
}

std::optional<Journal::Lease> Journal::next_lease()
{
	if (next_lease_ == leases_.size())
		return std::nullopt;
	return leases_[next_lease_++];
}

void Journal::leased(Lease lease)
{
	leases_.push_back(std::move(lease));
	next_lease_ = leases_.size();
}

std::string Journal::secret(std::string fresh)
{
	if (next_secret_ < secrets_.size())
		return secrets_[next_secret_++];
	secrets_.push_back(std::move(fresh));
	next_secret_ = secrets_.size();
	return secrets_.back();
}

} // namespace rtprelay::call
