"""A seccomp filter that makes chosen system calls fail with EPERM, as the default profiles of
container runtimes do for io_uring: installed in a child before it execs the daemon
(Daemon(preexec_fn=deny(...))). x86-64 only; the filter kills nothing, it only refuses."""

import ctypes
import errno
import platform
import struct

PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
SECCOMP_RET_ALLOW = 0x7FFF0000
SECCOMP_RET_ERRNO = 0x00050000
AUDIT_ARCH_X86_64 = 0xC000003E

# BPF opcodes: ld|w|abs, jmp|jeq|k, ret|k
LD_W_ABS = 0x20
JEQ_K = 0x15
RET_K = 0x06
OFFSET_NR, OFFSET_ARCH = 0, 4  # struct seccomp_data

# x86-64 numbers of the io_uring system calls.
IO_URING = {"io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427}


def supported():
    return platform.machine() == "x86_64"


def _insn(code, jt, jf, k):
    return struct.pack("HBBI", code, jt, jf, k)


def _program(numbers):
    prog = [_insn(LD_W_ABS, 0, 0, OFFSET_ARCH),
            _insn(JEQ_K, 1, 0, AUDIT_ARCH_X86_64),
            _insn(RET_K, 0, 0, SECCOMP_RET_ALLOW),
            _insn(LD_W_ABS, 0, 0, OFFSET_NR)]
    for nr in numbers:
        prog.append(_insn(JEQ_K, 0, 1, nr))
        prog.append(_insn(RET_K, 0, 0, SECCOMP_RET_ERRNO | errno.EPERM))
    prog.append(_insn(RET_K, 0, 0, SECCOMP_RET_ALLOW))
    return b"".join(prog)


def deny(names):
    """A preexec_fn installing the filter that refuses `names` (keys of IO_URING)."""
    code = _program([IO_URING[n] for n in names])

    def install():
        libc = ctypes.CDLL(None, use_errno=True)
        buf = ctypes.create_string_buffer(code, len(code))

        class SockFprog(ctypes.Structure):
            _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

        fprog = SockFprog(len(code) // 8, ctypes.addressof(buf))
        if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "PR_SET_NO_NEW_PRIVS")
        if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "PR_SET_SECCOMP")
    return install
