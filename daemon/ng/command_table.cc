#include "ng/command.h"

namespace rtprelay::ng {

Handler CommandTable::find(std::string_view name) const
{
	for (const auto& e : entries_)
		if (e.name == name)
			return e.handler;
	return nullptr;
}

} // namespace rtprelay::ng
