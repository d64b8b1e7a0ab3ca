// SPDX-License-Identifier: GPL-3.0-or-later
#include "config/config.h"

namespace rtprelay {

std::string InterfaceSpec::to_string() const
{
	std::string s = name + "/" + address.to_string();
	if (advertised)
		s += "!" + advertised->to_string();
	return s;
}

} // namespace rtprelay
