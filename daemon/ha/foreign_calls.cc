// SPDX-License-Identifier: GPL-3.0-or-later
#include "ha/foreign_calls.h"

#include "ha/call_document.h"
#include "util/log.h"

namespace rtprelay::ha {

void ForeignCalls::replace(const std::vector<std::pair<std::string, std::string>>& documents)
{
	by_key_.clear();
	for (const auto& [key, document] : documents)
		store(key, document);
}

void ForeignCalls::store(const std::string& key, const std::string& document)
{
	auto doc = read_document(document);
	if (!doc) {
		log::warn(log::Subsystem::kControl, "foreign call %s not followed: %s", key.c_str(),
		          doc.error().reason.c_str());
		by_key_.erase(key);
		return;
	}
	by_key_[key] = {std::move(doc->call_id), doc->created_ms};
}

void ForeignCalls::remove(const std::string& key)
{
	by_key_.erase(key);
}

std::vector<call::CallStore::Foreign> ForeignCalls::calls(size_t limit) const
{
	std::vector<call::CallStore::Foreign> out;
	for (const auto& [key, call] : by_key_) {
		if (out.size() >= limit)
			break;
		out.push_back(call);
	}
	return out;
}

} // namespace rtprelay::ha
