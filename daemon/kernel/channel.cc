// SPDX-License-Identifier: GPL-3.0-or-later
#include "kernel/channel.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "kernel/target_builder.h"
#include "util/log.h"
#include "util/strings.h"

namespace rtprelay::kernel {

namespace {

constexpr auto kLog = log::Subsystem::kCore;

// One whole write; 0 or an errno (EIO for a short write).
int write_all(int fd, const void* data, size_t size)
{
	ssize_t n = ::write(fd, data, size);
	if (n < 0)
		return errno;
	return static_cast<size_t>(n) == size ? 0 : EIO;
}

// "cannot open X: reason" plus what to do about the usual errno values.
Error file_error(const char* verb, const std::string& path, int err)
{
	std::string reason = strprintf("cannot %s %s: %s", verb, path.c_str(), strerror(err));
	if (err == EACCES || err == EPERM)
		reason += "; run rtprelayd as root, or load xt_RTPRELAY with proc_uid=/proc_gid= "
		          "set to rtprelayd's user and group";
	return Error{reason};
}

// Writes "add N" / "del N" to the root control file.
int write_root(const std::string& base, const char* op, int table)
{
	UniqueFd fd(::open((base + "/control").c_str(), O_WRONLY | O_CLOEXEC));
	if (!fd)
		return errno;
	std::string line = strprintf("%s %d\n", op, table);
	return write_all(fd.get(), line.data(), line.size());
}

} // namespace

Result<void> check_greeting(const rtprelay_init& g, size_t size)
{
	if (size < offsetof(rtprelay_init, size_init) || g.cmd != RTPRELAY_CMD_INIT)
		return Error{strprintf("the kernel module's greeting is not an ABI greeting (%zu "
		                       "bytes); is xt_RTPRELAY the module rtprelayd was built for?",
		                       size)};
	if (g.abi_version != RTPRELAY_ABI_VERSION)
		return Error{strprintf("kernel module ABI version %u, rtprelayd speaks %u; install "
		                       "xt_RTPRELAY and rtprelayd from the same release",
		                       g.abi_version, RTPRELAY_ABI_VERSION)};
	rtprelay_init ours = build_init();
	if (size != sizeof ours || g.size_init != ours.size_init ||
	    g.size_add_target != ours.size_add_target || g.size_target != ours.size_target ||
	    g.size_stats != ours.size_stats || g.size_xt_info != ours.size_xt_info)
		return Error{
		        strprintf("kernel module ABI version %u, rtprelayd speaks %u, but their "
		                  "struct sizes differ (a build from a modified header?); "
		                  "rebuild both from the same source",
		                  g.abi_version, RTPRELAY_ABI_VERSION)};
	return {};
}

// Opens a table's control file, checks the module's greeting and sends our INIT.
static Result<UniqueFd> handshake(const std::string& base, int table, uint32_t& srtp_suites)
{
	std::string path = strprintf("%s/%d/control", base.c_str(), table);
	UniqueFd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC));
	if (!fd)
		return file_error("open", path, errno);
	// Read into a larger buffer so that a module with a bigger greeting is told apart.
	union {
		rtprelay_init init;
		uint8_t bytes[256];
	} greeting;
	std::memset(&greeting, 0, sizeof greeting);
	ssize_t n = ::read(fd.get(), greeting.bytes, sizeof greeting.bytes);
	if (n < 0)
		return file_error("read the greeting from", path, errno);
	if (auto r = check_greeting(greeting.init, static_cast<size_t>(n)); !r)
		return r.error();
	srtp_suites = greeting.init.srtp_suites;

	rtprelay_init init = build_init();
	if (int err = write_all(fd.get(), &init, sizeof init))
		return Error{
		        strprintf("the kernel module refused rtprelayd's INIT (ABI version %u): "
		                  "%s; see %s/%d/status and the kernel log",
		                  RTPRELAY_ABI_VERSION, strerror(err), base.c_str(), table)};
	return fd;
}

Result<std::unique_ptr<Channel>> Channel::open(int table, const std::string& base)
{
	if (table < 0 || table >= RTPRELAY_MAX_TABLES)
		return Error{
		        strprintf("kernel table %d is out of range: xt_RTPRELAY has tables 0-%d",
		                  table, RTPRELAY_MAX_TABLES - 1)};
	struct stat st;
	if (::stat(base.c_str(), &st) != 0) {
		if (errno == ENOENT)
			return Error{base +
			             " not found: load the module with `modprobe xt_RTPRELAY`"};
		return file_error("access", base, errno);
	}
	int err = write_root(base, "add", table);
	if (err && err != EEXIST)
		return file_error(strprintf("create table %d through", table).c_str(),
		                  base + "/control", err);
	uint32_t srtp_suites = 0;
	auto fd = handshake(base, table, srtp_suites);
	if (!fd) {
		if (!err) // we created it: leave nothing behind
			write_root(base, "del", table);
		return fd.error();
	}
	log::info(kLog, "kernel table %d open (ABI version %u, SRTP suites 0x%x)", table,
	          RTPRELAY_ABI_VERSION, srtp_suites);
	return std::unique_ptr<Channel>(
	        new Channel(table, base, std::move(fd).value(), err == 0, srtp_suites));
}

Channel::~Channel()
{
	fd_.reset();
	if (!created_)
		return; // an operator's table stays, with whatever they put in it
	if (int err = write_root(base_, "del", table_))
		log::warn(kLog, "cannot delete kernel table %d: %s", table_, strerror(err));
}

Result<void> Channel::write_cmd(const void* cmd, size_t size, const char* what)
{
	int err = write_all(fd_.get(), cmd, size);
	if (!err)
		return {};
	if (err == ENOENT)
		return Error{strprintf("kernel %s: no such target", what)};
	return Error{strprintf("kernel %s failed: %s", what, strerror(err))};
}

Result<void> Channel::add_target(const rtprelay_cmd_add_target& cmd)
{
	std::lock_guard lock(mutex_);
	return write_cmd(&cmd, sizeof cmd, "ADD_TARGET");
}

Result<void> Channel::del_target(const rtprelay_cmd_target& cmd)
{
	std::lock_guard lock(mutex_);
	return write_cmd(&cmd, sizeof cmd, "DEL_TARGET");
}

Result<rtprelay_target_stats> Channel::get_stats(const rtprelay_cmd_target& cmd)
{
	std::lock_guard lock(mutex_); // the reply belongs to this command: keep the pair together
	if (auto r = write_cmd(&cmd, sizeof cmd, "GET_STATS"); !r)
		return r.error();
	rtprelay_target_stats stats;
	ssize_t n = ::read(fd_.get(), &stats, sizeof stats);
	if (n < 0)
		return Error{strprintf("kernel GET_STATS reply: %s", strerror(errno))};
	if (static_cast<size_t>(n) != sizeof stats)
		return Error{strprintf("kernel GET_STATS reply is %zd bytes, expected %zu", n,
		                       sizeof stats)};
	return stats;
}

} // namespace rtprelay::kernel
