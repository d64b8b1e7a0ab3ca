# rtprelay top-level build. `make` builds, `make test` runs every suite, `make run` starts a
# relay on loopback. Out-of-tree objects go to $(BUILD); a sanitizer build is the same rules
# with BUILD=build/asan SANITIZE=address,undefined.

BUILD    ?= build
CXX      ?= g++
CLANGXX  ?= clang++
PKGS     := libevent json-c libnftnl libmnl libssl libcrypto libsystemd hiredis liburing
# libsrtp2 only for the unit tests: the independent SRTP implementation ours is checked against.
TEST_PKGS := cppunit libsrtp2
SANITIZE ?=

WARNINGS := -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wformat=2 -Wcast-qual \
            -Wold-style-cast -Wnull-dereference
# g++ only; clang has no such warning and would warn about the unknown option.
ifeq ($(findstring clang,$(CXX)),)
WARNINGS += -Wuseless-cast
UNIT_WARNINGS := -Wno-useless-cast
endif
ifeq ($(CI),true)
WARNINGS += -Werror
endif

OPTIMIZE ?= -O2 -g
CXXFLAGS ?= $(OPTIMIZE)
CXXFLAGS += -std=c++20 $(WARNINGS) -Idaemon -MMD -MP $(shell pkg-config --cflags $(PKGS))
LDLIBS   += $(shell pkg-config --libs $(PKGS)) -pthread
ifneq ($(SANITIZE),)
CXXFLAGS += -O1 -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS  += -fsanitize=$(SANITIZE)
endif

LIB_SRCS  := $(filter-out daemon/main.cc,$(wildcard daemon/*.cc daemon/*/*.cc))
LIB_OBJS  := $(LIB_SRCS:%.cc=$(BUILD)/%.o)
UNIT_SRCS := $(wildcard t/unit/*.cc t/unit/*/*.cc)
UNIT_OBJS := $(UNIT_SRCS:%.cc=$(BUILD)/%.o)
LIB       := $(BUILD)/librtprelay.a
# rtprelay-ctl, the operator's tool: its own folder, linked against the daemon's library
# (ng codecs, addresses, strings).
CTL_SRCS  := $(wildcard ctl-proxy/*.cc)
CTL_OBJS  := $(CTL_SRCS:%.cc=$(BUILD)/%.o)
# Everything but main(), for its unit tests (t/unit/ctl-proxy/).
CTL_LIB_OBJS := $(filter-out $(BUILD)/ctl-proxy/main.o,$(CTL_OBJS))
# rtprelay-ctl-proxy, the ng front for many nodes: its own folder under ctl-proxy/, linked
# against the daemon's library too (the ng server, the Redis link).
PROXY_SRCS := $(wildcard ctl-proxy/proxy/*.cc)
PROXY_OBJS := $(PROXY_SRCS:%.cc=$(BUILD)/%.o)
PROXY_LIB_OBJS := $(filter-out $(BUILD)/ctl-proxy/proxy/main.o,$(PROXY_OBJS))

.PHONY: all deps run test unit check-asan fuzz bench docs style format tidy clang clean deb srtp-vectors
all: $(BUILD)/rtprelayd $(BUILD)/rtprelay-ctl $(BUILD)/rtprelay-ctl-proxy $(BUILD)/gen-options-doc

deps:
	scripts/install-deps.sh

$(BUILD)/%.o: %.cc
	@mkdir -p $(@D)
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/rtprelayd: $(BUILD)/daemon/main.o $(LIB)
	$(CXX) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/rtprelay-ctl: $(CTL_OBJS) $(LIB)
	$(CXX) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/rtprelay-ctl-proxy: $(PROXY_OBJS) $(LIB)
	$(CXX) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/gen-options-doc: $(BUILD)/t/tools/gen_options_doc.o $(LIB)
	$(CXX) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# kernel-module/srtp_vectors.h: libsrtp2's packets and the daemon's session keys, which the
# module's selftest build checks in the kernel (`make srtp-vectors` rewrites it; t/run-tests.sh
# checks the committed file is current).
$(BUILD)/gen-srtp-vectors: $(BUILD)/t/tools/gen_srtp_vectors.o $(LIB)
	$(CXX) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(shell pkg-config --libs libsrtp2)

$(BUILD)/t/tools/gen_srtp_vectors.o: CXXFLAGS += $(shell pkg-config --cflags libsrtp2)

srtp-vectors: $(BUILD)/gen-srtp-vectors
	$< > kernel-module/srtp_vectors.h.new && mv kernel-module/srtp_vectors.h.new kernel-module/srtp_vectors.h

# The man page and the commented config file that the Debian package ships (debian/rules),
# generated from the option table like docs/configuration.md.
$(BUILD)/rtprelayd.8: $(BUILD)/gen-options-doc
	$< --man > $@
$(BUILD)/rtprelay.conf: $(BUILD)/gen-options-doc
	$< --ini > $@

$(BUILD)/unit-tests: $(UNIT_OBJS) $(CTL_LIB_OBJS) $(PROXY_LIB_OBJS) $(LIB)
	$(CXX) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(shell pkg-config --libs $(TEST_PKGS))

# -I. for "ctl-proxy/...": rtprelay-ctl's headers are not under daemon/.
$(BUILD)/t/unit/%.o: CXXFLAGS += $(shell pkg-config --cflags $(TEST_PKGS)) $(UNIT_WARNINGS) -I.

# The relay on loopback with the built-in defaults: ng on 127.0.0.1:2223, media on 127.0.0.1,
# the CLI on rtpengine-ctl's default port, and HTTP (/metrics, /ping, /ng) next to it.
run:
	@scripts/install-deps.sh --quiet
	@$(MAKE) --no-print-directory all
	$(BUILD)/rtprelayd --config-file=none --table=-1 --foreground --log-stderr \
	        --listen-cli=127.0.0.1:9900 --listen-http=127.0.0.1:9901 $(RUN_ARGS)

unit: $(BUILD)/unit-tests
	$(BUILD)/unit-tests

# Every suite; ends with one "N passed, N failed" line.
JOBS ?= $(shell nproc)
test:
	@scripts/install-deps.sh --quiet
	@$(MAKE) --no-print-directory -j$(JOBS) all $(BUILD)/unit-tests $(BUILD)/gen-srtp-vectors
	@$(MAKE) --no-print-directory -j$(JOBS) BUILD=build/asan SANITIZE=address,undefined \
		build/asan/rtprelayd build/asan/rtprelay-ctl-proxy build/asan/unit-tests
	@$(MAKE) --no-print-directory -j$(JOBS) BUILD=build/tsan SANITIZE=thread build/tsan/rtprelayd \
		build/tsan/rtprelay-ctl-proxy
	@$(MAKE) --no-print-directory -j$(JOBS) clang
	@$(MAKE) --no-print-directory -j$(JOBS) fuzz
	@$(MAKE) --no-print-directory -j$(JOBS) -f bench/Makefile
	@t/run-tests.sh

# The daemon and its unit tests built by clang with -Werror, as CI builds with g++: each
# compiler warns about things the other misses. Nothing runs these binaries and clang's
# warnings come from its front end, not its optimizer: unoptimized and without debug
# information the build takes about half the time.
clang:
	@$(MAKE) --no-print-directory CXX=$(CLANGXX) BUILD=build/clang CI=true OPTIMIZE=-O0 \
		build/clang/rtprelayd build/clang/rtprelay-ctl build/clang/rtprelay-ctl-proxy \
		build/clang/unit-tests

check-asan:
	@$(MAKE) --no-print-directory BUILD=build/asan SANITIZE=address,undefined \
		build/asan/rtprelayd build/asan/rtprelay-ctl-proxy build/asan/unit-tests
	build/asan/unit-tests
	RTPRELAYD=build/asan/rtprelayd python3 t/integration/run.py

# The kernel module and the iptables plugin against the kernel's checkpatch.pl.
.PHONY: checkpatch
checkpatch:
	@t/style/checkpatch.sh

# libFuzzer targets with ASan+UBSan (clang); t/run-tests.sh runs each for a bounded time.
# Each target lists the daemon sources it exercises.
FUZZ_FLAGS := -std=c++20 -O1 -g -Idaemon -fsanitize=fuzzer,address,undefined \
              -fno-sanitize-recover=all $(shell pkg-config --cflags json-c)
FUZZ_SRCS_ng_message := daemon/ng/message.cc daemon/ng/bencode.cc daemon/ng/json.cc daemon/ng/command_stats.cc \
                daemon/ng/value.cc daemon/ng/sip_options.cc daemon/ng/dispatch.cc \
                daemon/ng/command_table.cc daemon/ng/cmd_ping.cc \
                daemon/util/strings.cc daemon/util/log.cc daemon/net/address.cc
FUZZ_SRCS_ng_flags := daemon/ng/flags.cc daemon/ng/flag_table.cc daemon/ng/message.cc \
                daemon/ng/bencode.cc daemon/ng/json.cc daemon/ng/value.cc daemon/util/strings.cc \
                daemon/net/address.cc
FUZZ_SRCS_sdp_roundtrip := $(wildcard daemon/sdp/*.cc) daemon/util/strings.cc daemon/util/base64.cc \
                daemon/net/address.cc
FUZZ_SRCS_rtp_stats := daemon/media/ssrc_stats.cc daemon/media/stream_stats.cc \
        daemon/media/mos.cc daemon/media/rtcp_stats.cc
FUZZ_SRCS_rtcp := daemon/media/rtcp.cc daemon/media/rtcp_stats.cc daemon/media/mos.cc
FUZZ_SRCS_learning := daemon/media/learning.cc daemon/net/address.cc daemon/util/strings.cc
FUZZ_SRCS_ng_stream := daemon/ng/bencode_scan.cc daemon/ng/message_splitter.cc \
                daemon/ng/bencode.cc daemon/ng/message.cc daemon/ng/json.cc daemon/ng/value.cc \
                daemon/util/strings.cc
FUZZ_SRCS_sdp_crypto := daemon/sdp/crypto.cc daemon/util/base64.cc daemon/util/strings.cc
FUZZ_SRCS_dtls := daemon/crypto/dtls_session.cc daemon/crypto/dtls_identity.cc \
                daemon/sdp/crypto.cc daemon/util/base64.cc daemon/util/strings.cc
FUZZ_SRCS_stun := daemon/ice/stun.cc daemon/ice/agent.cc daemon/crypto/hmac_sha1.cc \
                daemon/util/crc32.cc daemon/net/address.cc daemon/util/strings.cc
FUZZ_SRCS_bundle := daemon/media/bundle_demux.cc
FUZZ_TARGETS := $(patsubst t/fuzz/%.cc,build/fuzz/%,$(wildcard t/fuzz/*.cc))
fuzz: $(FUZZ_TARGETS)
# Each daemon source is compiled once for all the targets that list it, side by side.
FUZZ_OBJ := build/fuzz/obj
$(FUZZ_OBJ)/%.o: %.cc
	@mkdir -p $(@D)
	$(CLANGXX) $(FUZZ_FLAGS) -MMD -MP -c -o $@ $<
-include $(shell find $(FUZZ_OBJ) -name '*.d' 2>/dev/null)
.PRECIOUS: $(FUZZ_OBJ)/%.o
fuzz_objs = $(addprefix $(FUZZ_OBJ)/,$(patsubst %.cc,%.o,$(FUZZ_SRCS_$(1))))
.SECONDEXPANSION:
build/fuzz/%: t/fuzz/%.cc $$(call fuzz_objs,$$*)
	@mkdir -p $(@D)
	$(CLANGXX) $(FUZZ_FLAGS) -o $@ $^ $(shell pkg-config --libs json-c libssl libcrypto)

# Relay benchmark (bench/README.md): rtprelayd and Debian's rtpengine through the same
# scenarios in one run, with ratios, the reference relay (floorrelay), then kernel vs userspace
# forwarding in a QEMU guest.
# BENCH_ARGS='--relay=rtprelayd' skips rtpengine, the reference relay and the guest.
# bench/install-deps.sh adds what only the guest's comparison with rtpengine's kernel module needs.
BENCH_ARGS ?= --compare --floor --webrtc=30 --guest
bench: all
	@scripts/install-deps.sh --quiet
	@bench/install-deps.sh --quiet
	@$(MAKE) --no-print-directory -f bench/Makefile bench BENCH_ARGS='$(BENCH_ARGS)'

docs: $(BUILD)/gen-options-doc
	$(BUILD)/gen-options-doc > docs/configuration.md

# All C++ (daemon/, t/, bench/); the kernel module and the iptables extension are C in kernel
# style, which checkpatch checks, not clang-format.
STYLE_FILES = $(shell git ls-files '*.cc' '*.h' ':!:kernel-module/' ':!:iptables-ext/')
style:
	@clang-format --dry-run --Werror $(STYLE_FILES)

format:
	@clang-format -i $(STYLE_FILES)

# clang-tidy (.clang-tidy) over the daemon's and rtprelay-ctl's sources with the build's
# flags, TIDY_JOBS files at a time; any finding fails. The sed drops clang-tidy's per-file
# count of the warnings it suppressed in system headers.
TIDY_JOBS ?= 2
tidy: SHELL := /bin/bash
tidy: .SHELLFLAGS := -o pipefail -c
tidy:
	@printf '%s\n' $(wildcard daemon/*.cc daemon/*/*.cc ctl-proxy/*.cc ctl-proxy/proxy/*.cc) | xargs -P$(TIDY_JOBS) -I{} \
		clang-tidy --quiet {} -- -std=c++20 -Idaemon $(shell pkg-config --cflags $(PKGS)) \
		2>&1 | sed '/^[0-9]* warnings\? generated\.$$/d'

# Debian packages into build/deb/, checked by lintian (scripts/build-deb.sh).
deb:
	@scripts/install-deps.sh --quiet
	scripts/build-deb.sh -j$(JOBS)

clean:
	rm -rf $(BUILD)

-include $(LIB_OBJS:.o=.d) $(UNIT_OBJS:.o=.d) $(CTL_OBJS:.o=.d) $(PROXY_OBJS:.o=.d) $(BUILD)/daemon/main.d $(BUILD)/t/tools/gen_options_doc.d $(BUILD)/t/tools/gen_srtp_vectors.d
