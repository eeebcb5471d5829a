# kagent — static, musl-linked agent.  See README.md ("Building").
#   make                                 host build (musl-gcc) -> ./kagent
#   make CROSS=arm-linux-musleabihf-     ARMv7 -> build/arm-linux-musleabihf/kagent (also aarch64-linux-musl-,
#                                        mipsel-linux-musl-, mips-linux-musl-, or any SDK's triplet)
#   make CC=... CFLAGS=... LDFLAGS=...   as firmware build systems call it (also `make -e`)
#   make LTO=0                           without link-time optimisation (on when the compiler has it)
#   make deps [CROSS=...]                install what is missing (packages, BearSSL's and musl's source)
#   make test [CROSS=...]                deps, then unit tests and end-to-end (under qemu-user for CROSS)
#   make test SANITIZE=1                 the same with ASan and UBSan (glibc, gcc)
#   make install [DESTDIR= PREFIX=/usr BINDIR= SYSCONFDIR=/etc MANDIR=]
#   make demo | size | bench | soak | fuzz | clean
#
# The variables a build system sets are the user's alone: CC, CFLAGS,
# CPPFLAGS, LDFLAGS, AR, STRIP (from the command line, the environment or
# `make -e`).  kagent's own flags (KAGENT_*) come on top of them, so that the
# build stays static, 64-bit-offset and warning-free whatever they hold.

# no built-in rules: they would try to make the -MMD files from sources
MAKEFLAGS += --no-builtin-rules
.SUFFIXES:

VERSION  := 0.1.0
CROSS    ?=
SANITIZE ?=
# make V=1 shows the commands
Q        := $(if $(V),,@)

# tools/musl-cross.sh puts the compilers Debian has no package for here
# (mips-linux-musl-gcc).
export PATH := $(CURDIR)/build/cross/bin:$(PATH)
# $(shell) does not see the exported PATH (make 4.3): $(call sh,COMMAND)
sh        = $(shell PATH='$(PATH)'; $(1))

# CC: the user's when given; else $(CROSS)gcc, or musl-gcc on the host (gcc,
# with glibc, for the sanitizer build).
USER_CC  := $(filter-out default,$(origin CC))
ifeq ($(USER_CC),)
  CC := $(if $(CROSS),$(CROSS)gcc,$(if $(SANITIZE),gcc,musl-gcc))
endif
# The build folder: build/host, build/<CROSS without its dash>, build/sanitize,
# or for a CC of the user's, build/<what it says it targets>.  (override:
# `make -e` must not take B, TARGET or ARCH from a build system's environment.)
ifneq ($(SANITIZE),)
  override TARGET := sanitize
else ifneq ($(CROSS),)
  override TARGET := $(patsubst %-,%,$(CROSS))
else ifneq ($(USER_CC),)
  override TARGET := $(call sh,$(CC) -dumpmachine 2>/dev/null)
else
  override TARGET := host
endif
override B := build/$(or $(TARGET),unknown-cc)
# A musl cross wrapper (Debian's musl-dev:<arch>) has no binutils of its own:
# ask the compiler where its ar and strip are.
binutil   = $(or $(if $(CROSS),$(call sh,command -v $(CROSS)$(1))),$(call sh,$(CC) -print-prog-name=$(1) 2>/dev/null),$(1))
ifeq ($(origin AR),default)
  AR := $(call binutil,ar)
endif
ifeq ($(origin STRIP),undefined)
  STRIP := $(call binutil,strip)
endif
# The binaries of another CPU run under qemu-user (static: no -L needed).
override ARCH := $(firstword $(subst -, ,$(TARGET)))
ifeq ($(origin QEMU),undefined)
  QEMU   := $(if $(filter host sanitize $(shell uname -m),$(ARCH)),,qemu-$(ARCH))
endif

# Where BearSSL's and jsmn's sources are: `make deps` fetches BearSSL's.
BEARSSL_SRC ?= $(patsubst %/inc/bearssl.h,%,$(firstword $(wildcard build/src/bearssl-*/inc/bearssl.h)))
JSMN_INC ?= /usr/include

CFLAGS   ?= $(if $(SANITIZE),-O1 -g,-Os)
# Link-time optimisation, kagent and BearSSL as one program (3.5 KB on
# ARMv7): on when the compiler takes -flto, off with LTO=0 (and for the
# sanitizers).  Fat objects hold the usual code too, so an ar or a linker
# without gcc's LTO plugin (an SDK's) still links them, only without LTO;
# one partition: the smallest code, and no parallel LTRANS to ask for.
LTO      ?= 1
LTO_FLAGS := -flto -ffat-lto-objects -flto-partition=one
ifeq ($(if $(SANITIZE),0,$(LTO)),1)
  KAGENT_LTO := $(if $(call sh,$(CC) $(LTO_FLAGS) -x c -c /dev/null -o /dev/null 2>/dev/null && echo y),$(LTO_FLAGS))
endif
CPPFLAGS ?=
LDFLAGS  ?=
# Code generation kagent and BearSSL share: a static non-PIE binary from which
# the linker drops what is not called, without unwind tables (no C++, no
# backtraces: AArch64's gcc makes them by default, 35 KB of .eh_frame).  MIPS:
# -mplt calls functions directly instead of through the GOT (25 KB).
KAGENT_CODEGEN  := -ffunction-sections -fdata-sections \
                   $(if $(SANITIZE),,-fno-pie -fno-asynchronous-unwind-tables -fno-unwind-tables) \
                   $(if $(filter mips%,$(ARCH)),-mplt) $(KAGENT_LTO)
KAGENT_CPPFLAGS := -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -I src -I $(B)/gen -isystem $(BEARSSL_SRC)/inc \
                   -DKAGENT_VERSION='"$(VERSION)"'
KAGENT_CFLAGS   := -std=c11 -Wall -Wextra -Werror $(KAGENT_CODEGEN)
# (musl applies RELRO in its dynamic linker only: in a static binary it would
# be a page of padding and nothing else.)  The data segment follows the code
# in the file without padding: by default ld may start it on a new page to
# save a page of memory at run time, which pads the file by up to 4 KiB (what
# the code's size modulo 4 KiB decides: 292 bytes on ARMv7 at e724c76); a
# "common page" of 16 bytes keeps that padding under 16 bytes.
KAGENT_LDFLAGS  := $(if $(SANITIZE),,-static -no-pie -Wl,-z,norelro -Wl,-z,common-page-size=16) -Wl,--gc-sections
SAN_FLAGS       := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
ifneq ($(SANITIZE),)
  KAGENT_CFLAGS += $(SAN_FLAGS)
  KAGENT_LDFLAGS += $(SAN_FLAGS)
endif
# the user's flags last: theirs win where both set something (-O, -f...)
ALL_CFLAGS  = $(KAGENT_CPPFLAGS) $(CPPFLAGS) $(KAGENT_CFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(KAGENT_CFLAGS) $(CFLAGS) $(LDFLAGS) $(KAGENT_LDFLAGS)
# BearSSL gets the user's flags too (a -march, a -mfloat-abi), not kagent's
# warnings nor the sanitizers (its unaligned loads on x86 are by design).
# Those loads go through a union pointer: once LTO inlines them into other
# files, strict aliasing would reorder them (x86's MD5 came out wrong).
BR_CFLAGS   = $(CPPFLAGS) $(KAGENT_CODEGEN) $(if $(KAGENT_LTO),-fno-strict-aliasing) $(CFLAGS)
BEARSSL    := $(B)/bearssl/libbearssl.a

# Installation (DESTDIR for staging, as every firmware build does).
PREFIX     ?= /usr
BINDIR     ?= $(PREFIX)/bin
SYSCONFDIR ?= /etc
MANDIR     ?= $(PREFIX)/share/man

# Processors: one file each in src/proc/; make PROCESSORS="singleline logtojson"
PROC_ALL := $(sort $(basename $(notdir $(wildcard src/proc/*.c))))
PROCESSORS ?= $(PROC_ALL)
$(foreach p,$(filter-out $(PROC_ALL),$(PROCESSORS)),$(error PROCESSORS: no processor "$(p)"; there are: $(PROC_ALL)))

SRCS     := $(wildcard src/*.c)
CORE     := $(patsubst src/%.c,$(B)/obj/%.o,$(SRCS))
PROCOBJ   = $(patsubst %,$(B)/obj/proc/%.o,$(1))
OBJS     := $(CORE) $(call PROCOBJ,$(PROCESSORS)) $(B)/obj/proctab.o
# the unit tests see every processor
LIBOBJS  := $(filter-out $(B)/obj/main.o,$(CORE)) $(call PROCOBJ,$(PROC_ALL)) $(B)/obj/proctab-all.o
TSRCS    := $(wildcard tests/unit/*.c)
TOBJS    := $(patsubst tests/unit/%.c,$(B)/tobj/%.o,$(TSRCS))
# Test build of the agent: every allocator call after start-up is counted.
AOBJS    := $(patsubst src/%.c,$(B)/aobj/%.o,$(SRCS)) $(call PROCOBJ,$(PROCESSORS)) $(B)/obj/proctab.o \
            $(B)/aobj/allocwrap.o
WRAP     := -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free,--wrap=aligned_alloc,--wrap=posix_memalign,--wrap=mmap,--wrap=mmap64,--wrap=munmap

BIN      := $(B)/kagent
all: $(BIN) $(if $(filter host,$(TARGET)),kagent)

kagent: $(BIN)
	$(Q)cp $< $@

# $(call link,OUT,OBJECTS): the time certificates are never checked against
# a time before (src/tls.c) is that of the link, so it is true for the binary;
# SOURCE_DATE_EPOCH, when set, makes the build reproducible.
define link
	@echo "LD $(1)"
	$(Q)printf 'const long long tls_build_time = %s;\n' $(or $(SOURCE_DATE_EPOCH),$$(date +%s)) > $(1)-time.c
	$(Q)$(CC) $(ALL_CFLAGS) -c $(1)-time.c -o $(1)-time.o
	$(Q)$(CC) $(ALL_LDFLAGS) -o $(1) $(2) $(1)-time.o $(BEARSSL)
endef

# (stripped of the compilers' version strings too, .comment: nothing a router needs)
$(BIN): $(OBJS) $(BEARSSL)
	$(call link,$@,$(OBJS))
	$(Q)$(STRIP) -R .comment -o $@.stripped $@

$(B)/kagent-allocs: $(AOBJS) $(BEARSSL)
	$(call link,$@,$(WRAP) $(AOBJS))

# The same agent with SINGLELINE alone, for the test that a configuration
# naming a processor not compiled in is refused.
$(B)/kagent-singleline: $(CORE) $(call PROCOBJ,singleline) $(B)/obj/proctab-singleline.o $(BEARSSL)
	$(call link,$@,$(CORE) $(call PROCOBJ,singleline) $(B)/obj/proctab-singleline.o)

$(B)/unit: $(LIBOBJS) $(TOBJS) $(BEARSSL)
	$(call link,$@,$(LIBOBJS) $(TOBJS))

# Processor tables, rewritten only when the selection changes.
$(B)/gen/proctab.c: FORCE
	$(Q)tools/proctab.sh $@ $(PROCESSORS)
$(B)/gen/proctab-%.c: FORCE
	$(Q)tools/proctab.sh $@ $(if $(filter all,$*),$(PROC_ALL),$*)
FORCE:

# Every object is rebuilt when the compiler or a flag changes (a build
# system's second run with other flags in the same tree); -MMD lists the
# headers each one read.
$(B)/flags: FORCE
	$(shell mkdir -p $(B))$(file >$@.new,$(CC) $(ALL_CFLAGS) | $(ALL_LDFLAGS) | $(BR_CFLAGS))
	@cmp -s $@.new $@ && rm -f $@.new || mv -f $@.new $@

$(B)/obj/%.o: src/%.c $(B)/flags | $(BEARSSL) $(B)/gen/jsmn.h
	@mkdir -p $(dir $@)
	@echo "CC $<"
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(B)/obj/proctab.o: $(B)/gen/proctab.c $(B)/flags
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@
$(B)/obj/proctab-%.o: $(B)/gen/proctab-%.c $(B)/flags
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(B)/aobj/%.o: src/%.c $(B)/flags | $(BEARSSL) $(B)/gen/jsmn.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -DKAGENT_COUNT_ALLOCS -MMD -MP -c $< -o $@

$(B)/aobj/allocwrap.o: tests/allocwrap.c $(B)/flags
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(B)/tobj/%.o: tests/unit/%.c $(B)/flags | $(BEARSSL) $(B)/gen/jsmn.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -I tests/unit -MMD -MP -c $< -o $@

-include $(wildcard $(B)/obj/*.d $(B)/obj/proc/*.d $(B)/aobj/*.d $(B)/tobj/*.d)

# jsmn is header-only; a link in the build folder keeps the rest of /usr/include
# (glibc's) out of a musl build.
$(B)/gen/jsmn.h:
	@mkdir -p $(dir $@)
	@test -f $(JSMN_INC)/jsmn.h || { echo "kagent: no jsmn.h in $(JSMN_INC): run 'make deps' (installs libjsmn-dev), or give JSMN_INC=DIR" >&2; exit 1; }
	$(Q)ln -sf $(abspath $(JSMN_INC))/jsmn.h $@

# (the flags go through the environment: they may hold quotes)
$(BEARSSL): export KAGENT_BR_CFLAGS = $(BR_CFLAGS)
$(BEARSSL): $(B)/flags | tools-there
	@echo "BearSSL from $(BEARSSL_SRC) -> $(dir $@)"
	$(Q)$(MAKE) -s -f tools/bearssl.mk SRC=$(BEARSSL_SRC) OUT=$(B)/bearssl CC="$(CC)" AR="$(AR)" \
	    FLAGS=$(B)/flags

# What a plain build needs and never installs itself: says what to do.
tools-there:
	@command -v $(firstword $(CC)) >/dev/null || { echo "kagent: no compiler '$(firstword $(CC))': run 'make deps$(if $(CROSS), CROSS=$(CROSS))' (installs it), or give CC=" >&2; exit 1; }
	@test -f "$(BEARSSL_SRC)/inc/bearssl.h" || { echo "kagent: no BearSSL source$(if $(BEARSSL_SRC), in $(BEARSSL_SRC)): run 'make deps' (fetches Debian's bearssl source package into build/src), or give BEARSSL_SRC=DIR (a BearSSL 0.6 tree)" >&2; exit 1; }

# The unit tests run on every target (under qemu-user for CROSS), then the
# end-to-end suite: all of it on the host, its core against a CROSS binary.
# `make test` and `make demo` first install what a fresh Debian machine lacks.
test: deps
	@$(MAKE) --no-print-directory check

check: $(B)/unit $(BIN) $(B)/kagent-allocs $(if $(filter singleline,$(PROC_ALL)),$(B)/kagent-singleline)
	@sh tests/run.sh "$(QEMU)" $(B) $(if $(SANITIZE),sanitize)

# Packages (tools/deps.sh: host, cross or fuzz), then the sources fetched
# once into build/src, and musl built for CPUs Debian has no musl-dev for.
DEPS_KIND := $(if $(CROSS),cross,host)
deps:
	@tools/deps.sh $(DEPS_KIND)
	@$(if $(BEARSSL_SRC),:,tools/debsrc.sh bearssl build/src >/dev/null)
	@$(if $(filter mips-linux-musl-,$(CROSS)),tools/musl-cross.sh mips-linux-musl mips-linux-gnu,:)

# Install as a firmware image wants it: the binary stripped, the example
# configuration unless one is there, the manual pages when man/ has them.
install: $(BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SYSCONFDIR)
	install -m 755 $(BIN).stripped $(DESTDIR)$(BINDIR)/kagent
	test -e $(DESTDIR)$(SYSCONFDIR)/kagent.conf || install -m 600 conf/kagent.conf $(DESTDIR)$(SYSCONFDIR)/kagent.conf
	$(Q)for m in $(wildcard man/*.[1-8]); do s=$${m##*.}; \
	  install -d $(DESTDIR)$(MANDIR)/man$$s && install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s/ || exit 1; done

# Stripped size of every target built so far, and its code and data.
size: $(BIN)
	@printf '%-28s %10s %9s %7s\n' target stripped text data
	@for b in build/*/kagent.stripped; do t=$${b%/kagent.stripped}; [ $$t != build/sanitize ] || continue; \
	  size $$b | awk -v t=$${t#build/} -v f=$$(wc -c < $$b) 'NR == 2 { printf "%-28s %10d %9d %7d\n", t, f, $$1, $$2 }'; done

# Fuzzing (clang's libFuzzer with ASan and UBSan, on the host's glibc): every
# tests/fuzz/fuzz_*.c for FUZZ_SECONDS each.  CI runs a short round.
FUZZ_SECONDS ?= 30
FUZZERS  := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
# kinesis.c's keys need BearSSL's MD5, sha256.c its SHA-256 and HMAC, built from its source with the rest.
FUZZ_LIB  = $(filter-out src/main.c src/loop.c src/net.c src/tls.c src/flow.c src/sigv4.c src/creds.c src/cw.c src/status.c,$(SRCS)) $(wildcard src/proc/*.c) \
             $(addprefix $(BEARSSL_SRC)/src/,hash/md5.c codec/dec32le.c codec/enc32le.c codec/enc64le.c \
             hash/sha2small.c codec/dec32be.c codec/enc32be.c codec/enc64be.c mac/hmac.c)
FUZZ_CC   = clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -D_GNU_SOURCE \
            -D_FILE_OFFSET_BITS=64 -I src -isystem $(BEARSSL_SRC)/inc -isystem $(BEARSSL_SRC)/src
fuzz: fuzzdeps
	@$(MAKE) --no-print-directory fuzzrun

fuzzdeps: deps
	@tools/deps.sh fuzz

fuzzrun: $(FUZZERS)
	@for f in $(FUZZERS); do \
	  mkdir -p build/fuzz/corpus/$${f##*/}; \
	  echo "fuzz $${f##*/} for $(FUZZ_SECONDS) s"; \
	  $$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=0 build/fuzz/corpus/$${f##*/} \
	    > build/fuzz/$${f##*/}.log 2>&1 || { tail -40 build/fuzz/$${f##*/}.log; exit 1; }; \
	  grep -E "^Done|#[0-9]+.*DONE" build/fuzz/$${f##*/}.log | tail -1; \
	done

build/fuzz/gen/proctab.c: FORCE
	$(Q)tools/proctab.sh $@ $(PROC_ALL)

build/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB) build/fuzz/gen/proctab.c $(wildcard src/*.h tests/fuzz/*.h) tests/unit/feed_t.h | tools-there
	@echo "FUZZ $@"
	$(Q)$(FUZZ_CC) -o $@ $< $(FUZZ_LIB) build/fuzz/gen/proctab.c

demo: deps
	@$(MAKE) --no-print-directory $(BIN)
	@python3 tools/demo.py $(BIN)

# make bench: kagent next to the floor (tools/floor.c) built against OpenSSL's
# libcrypto (libssl-dev, installed here, never part of kagent) and BearSSL;
# and the ARMv7, MIPS LE and AArch64 builds next to their portable floors,
# counted under qemu.
BENCH_QEMU := arm-linux-musleabihf mipsel-linux-musl aarch64-linux-musl
bench: $(BIN) $(B)/floor-bearssl $(B)/procbench
	@tools/deps.sh bench
	@$(MAKE) --no-print-directory $(B)/floor-openssl
	@for t in $(BENCH_QEMU); do $(MAKE) --no-print-directory deps CROSS=$$t- && \
	  $(MAKE) --no-print-directory CROSS=$$t- build/$$t/kagent build/$$t/floor-bearssl || exit 1; done
	@python3 tools/bench.py $(BIN) --floor-openssl $(B)/floor-openssl --floor-bearssl $(B)/floor-bearssl \
	  --procbench $(B)/procbench --arm build/arm-linux-musleabihf/kagent \
	  --arm-floor build/arm-linux-musleabihf/floor-bearssl --mips build/mipsel-linux-musl/kagent \
	  --mips-floor build/mipsel-linux-musl/floor-bearssl --aarch64 build/aarch64-linux-musl/kagent \
	  --aarch64-floor build/aarch64-linux-musl/floor-bearssl

# One processor's cost per line (tools/procbench.c), from kagent's own objects.
$(B)/procbench: tools/procbench.c $(LIBOBJS) $(BEARSSL)
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIBOBJS) $(BEARSSL)

$(B)/floor-openssl: tools/floor.c
	$(Q)gcc -O2 -DFLOOR_OPENSSL -o $@ $< -lcrypto

$(B)/floor-bearssl: tools/floor.c $(BEARSSL)
	$(Q)$(CC) -O2 -static -isystem $(BEARSSL_SRC)/inc -o $@ $< $(BEARSSL)

# Minutes, not in CI: a million records through faults and rotations; RSS,
# descriptors and checkpoint writes stay flat, every record arrives.
soak: $(B)/kagent-allocs
	@python3 tools/soak.py $(B)

clean:
	rm -rf build/host build/sanitize build/*-linux-* build/fuzz kagent

.PHONY: all test check deps install size demo bench soak clean fuzz fuzzdeps fuzzrun tools-there FORCE
# keep generated sources: they are rewritten only when they change
.SECONDARY:
