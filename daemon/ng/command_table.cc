// SPDX-License-Identifier: GPL-3.0-or-later
#include "ng/command.h"

namespace rtprelay::ng {

const Handler* CommandTable::find(std::string_view name) const
{
	for (const auto& e : entries_)
		if (e.name == name)
			return &e.handler;
	return fallback_ ? &fallback_ : nullptr;
}

call::Registry* registry_or_error(Request& request, Completion& done)
{
	if (!request.calls)
		done(Error{"call handling is not available"});
	return request.calls;
}

} // namespace rtprelay::ng
