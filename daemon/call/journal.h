// SPDX-License-Identifier: GPL-3.0-or-later
// What rebuilds a call elsewhere or after a restart (ha/): the signalling requests that
// built it, and the choices its signalling made that the same requests would not make again,
// the port pairs it leased and the secrets it drew (SDES keys, ICE credentials). Running the
// requests again against a journal holding those choices takes the same ports and writes the
// same keys, in the same order, because signalling draws them in the order the requests ask.
// Lives on its call's media loop.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rtprelay::call {

class Journal {
public:
	struct Lease {
		std::string address; // the local address, as --interface names it
		uint16_t port = 0;   // the pair's RTP port
		bool operator==(const Lease&) const = default;
	};

	Journal() = default;
	// A journal read back (ha/): the next leases and secrets are these, in order; once they
	// are used up, new ones are recorded after them.
	Journal(std::vector<std::string> requests, std::vector<Lease> leases,
	        std::vector<std::string> secrets);

	// The pair to lease again, or nullopt: lease a new one and record it with leased().
	std::optional<Lease> next_lease();
	void leased(Lease lease);
	// The recorded secret, or `fresh` (made by the caller just now), recorded.
	std::string secret(std::string fresh);

	// A request that changed the call (an offer or answer that succeeded), encoded by the
	// control surface that received it.
	void add_request(std::string request) { requests_.push_back(std::move(request)); }

	const std::vector<std::string>& requests() const { return requests_; }
	const std::vector<Lease>& leases() const { return leases_; }
	const std::vector<std::string>& secrets() const { return secrets_; }
	// Recorded choices that the requests run again have not asked for yet.
	size_t unused() const
	{
		return leases_.size() - next_lease_ + secrets_.size() - next_secret_;
	}

private:
	std::vector<std::string> requests_;
	std::vector<Lease> leases_;
	std::vector<std::string> secrets_;
	size_t next_lease_ = 0;
	size_t next_secret_ = 0;
};

} // namespace rtprelay::call
