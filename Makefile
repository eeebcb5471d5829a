# kagent — static, musl-linked agent.  See README.md.
#   make                                 host build (musl-gcc) -> ./kagent
#   make CROSS=arm-linux-musleabihf-     ARMv7  -> build/arm-linux-musleabihf/kagent
#   make CROSS=mipsel-linux-musl-        MIPS   -> build/mipsel-linux-musl/kagent
#   make test [CROSS=...]                unit tests (under qemu for CROSS), then end-to-end on the host
#   make demo | size | bench | soak | fuzz | clean

CROSS    ?=
VERSION  := 0.1.0
ifeq ($(CROSS),)
  TARGET := host
  CC     := musl-gcc
else
  TARGET := $(patsubst %-,%,$(CROSS))
  CC     := $(CROSS)gcc
endif
# A musl cross wrapper (Debian's musl-dev:<arch>) has no binutils of its own:
# ask the compiler where its ar and strip are.
AR       := $(shell command -v $(CROSS)ar 2>/dev/null || $(CC) -print-prog-name=ar)
QEMU     := $(if $(CROSS),qemu-$(firstword $(subst -, ,$(TARGET))),)

B        := build/$(TARGET)
# make V=1 shows the commands
Q        := $(if $(V),,@)
JSMN_INC ?= /usr/include
# Fetched once, at parse time (not in every recipe: a recursive variable would
# run the script for every compile, in parallel); not for clean or deps.
ifneq ($(filter-out clean deps fuzzdeps,$(or $(MAKECMDGOALS),all)),)
  ifeq ($(origin BEARSSL_SRC),undefined)
    BEARSSL_SRC := $(shell tools/bearssl-src.sh build/src)
  endif
  $(if $(wildcard $(BEARSSL_SRC)/inc/bearssl.h),,$(error no BearSSL source (tools/bearssl-src.sh failed?): give BEARSSL_SRC=DIR))
endif

# Certificates are never checked against a time before the build (src/tls.c);
# SOURCE_DATE_EPOCH, when set, makes the build reproducible.
BUILD_TIME := $(or $(SOURCE_DATE_EPOCH),$(shell date +%s))

CFLAGS   ?= -Os
CFLAGS   += -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 \
            -ffunction-sections -fdata-sections -I src -I $(B)/gen \
            -isystem $(BEARSSL_SRC)/inc -DKAGENT_VERSION='"$(VERSION)"' \
            -DKAGENT_BUILD_TIME=$(BUILD_TIME)
LDFLAGS  += -static -Wl,--gc-sections
BEARSSL  := $(B)/bearssl/libbearssl.a

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
WRAP     := -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free,--wrap=aligned_alloc,--wrap=posix_memalign

BIN      := $(B)/kagent
all: $(BIN) $(if $(CROSS),,kagent)

kagent: $(BIN)
	$(Q)cp $< $@

$(BIN): $(OBJS) $(BEARSSL)
	@echo "LD $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $(OBJS) $(BEARSSL)

$(B)/kagent-allocs: $(AOBJS) $(BEARSSL)
	$(Q)$(CC) $(LDFLAGS) $(WRAP) -o $@ $(AOBJS) $(BEARSSL)

# The same agent with SINGLELINE alone, for the test that a configuration
# naming a processor not compiled in is refused.
$(B)/kagent-singleline: $(CORE) $(call PROCOBJ,singleline) $(B)/obj/proctab-singleline.o $(BEARSSL)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^

# Processor tables, rewritten only when the selection changes.
$(B)/gen/proctab.c: FORCE
	$(Q)tools/proctab.sh $@ $(PROCESSORS)
$(B)/gen/proctab-%.c: FORCE
	$(Q)tools/proctab.sh $@ $(if $(filter all,$*),$(PROC_ALL),$*)
$(B)/obj/proctab.o: $(B)/gen/proctab.c src/proc.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@
$(B)/obj/proctab-%.o: $(B)/gen/proctab-%.c src/proc.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@
FORCE:

$(B)/unit: $(LIBOBJS) $(TOBJS) $(BEARSSL)
	$(Q)$(CC) $(LDFLAGS) -o $@ $(LIBOBJS) $(TOBJS) $(BEARSSL)

$(B)/obj/%.o: src/%.c $(wildcard src/*.h) | $(BEARSSL) $(B)/gen/jsmn.h
	@mkdir -p $(dir $@)
	@echo "CC $<"
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(B)/aobj/%.o: src/%.c $(wildcard src/*.h) | $(BEARSSL) $(B)/gen/jsmn.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -DKAGENT_COUNT_ALLOCS -c $< -o $@

$(B)/aobj/allocwrap.o: tests/allocwrap.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(B)/tobj/%.o: tests/unit/%.c $(wildcard tests/unit/*.h) $(wildcard src/*.h) | $(BEARSSL) $(B)/gen/jsmn.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -I tests/unit -c $< -o $@

# jsmn is header-only; a link in the build folder keeps the rest of /usr/include
# (glibc's) out of a musl build.
$(B)/gen/jsmn.h:
	@mkdir -p $(dir $@)
	@test -f $(JSMN_INC)/jsmn.h || { echo "no jsmn.h in $(JSMN_INC): apt-get install libjsmn-dev, or JSMN_INC=DIR"; exit 1; }
	$(Q)ln -sf $(abspath $(JSMN_INC))/jsmn.h $@

$(BEARSSL):
	@echo "BearSSL from $(BEARSSL_SRC) -> $(dir $@)"
	$(Q)$(MAKE) -s -f tools/bearssl.mk SRC=$(BEARSSL_SRC) OUT=$(B)/bearssl CC=$(CC) AR=$(AR)

# The unit tests run on every target (under qemu-user for CROSS); the
# end-to-end tests need the host's python3 and openssl and run on the host.
# `make test` and `make demo` first install what a fresh Debian machine lacks.
test: deps
	@$(MAKE) --no-print-directory check

check: $(B)/unit $(if $(CROSS),,$(BIN) $(B)/kagent-allocs $(if $(filter singleline,$(PROC_ALL)),$(B)/kagent-singleline))
	@sh tests/run.sh "$(QEMU)" $(B)

deps:
	@tools/deps.sh $(if $(CROSS),cross,)

# Stripped size of every target built so far.
size: $(BIN)
	@for b in build/*/kagent; do t=$${b%/kagent}; t=$${t#build/}; \
	  cc=musl-gcc; [ $$t = host ] || cc=$$t-gcc; \
	  $$($$cc -print-prog-name=strip) -o $$b.stripped $$b; \
	  printf '%-28s %8d bytes stripped\n' $$t $$(wc -c < $$b.stripped); done

# Fuzzing (clang's libFuzzer with ASan and UBSan, on the host's glibc): every
# tests/fuzz/fuzz_*.c for FUZZ_SECONDS each.  CI runs a short round.
FUZZ_SECONDS ?= 30
FUZZERS  := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
# kinesis.c's keys need BearSSL's MD5, sha256.c its SHA-256 and HMAC, built from its source with the rest.
FUZZ_LIB := $(filter-out src/main.c src/loop.c src/net.c src/tls.c src/flow.c src/sigv4.c,$(SRCS)) $(wildcard src/proc/*.c) \
            $(addprefix $(BEARSSL_SRC)/src/,hash/md5.c codec/dec32le.c codec/enc32le.c codec/enc64le.c \
            hash/sha2small.c codec/dec32be.c codec/enc32be.c codec/enc64be.c mac/hmac.c)
FUZZ_CC  := clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -D_GNU_SOURCE \
            -D_FILE_OFFSET_BITS=64 -I src -isystem $(BEARSSL_SRC)/inc -isystem $(BEARSSL_SRC)/src
fuzz: fuzzdeps
	@$(MAKE) --no-print-directory fuzzrun

fuzzdeps:
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

build/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB) build/fuzz/gen/proctab.c $(wildcard src/*.h)
	@echo "FUZZ $@"
	$(Q)$(FUZZ_CC) -o $@ $< $(FUZZ_LIB) build/fuzz/gen/proctab.c

demo: deps
	@$(MAKE) --no-print-directory $(BIN)
	@python3 tools/demo.py $(BIN)

# make bench: kagent next to the floor (tools/floor.c) built against OpenSSL's
# libcrypto (libssl-dev, installed here, never part of kagent) and BearSSL.
bench: $(BIN) $(B)/floor-bearssl $(B)/procbench
	@tools/deps.sh bench
	@$(MAKE) --no-print-directory $(B)/floor-openssl
	@python3 tools/bench.py $(BIN) --floor-openssl $(B)/floor-openssl --floor-bearssl $(B)/floor-bearssl \
	  --procbench $(B)/procbench

# One processor's cost per line (tools/procbench.c), from kagent's own objects.
$(B)/procbench: tools/procbench.c $(LIBOBJS) $(BEARSSL)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBOBJS) $(BEARSSL)

$(B)/floor-openssl: tools/floor.c
	$(Q)gcc -O2 -DFLOOR_OPENSSL -o $@ $< -lcrypto

$(B)/floor-bearssl: tools/floor.c $(BEARSSL)
	$(Q)$(CC) -O2 -static -isystem $(BEARSSL_SRC)/inc -o $@ $< $(BEARSSL)

# Minutes, not in CI: a million records through faults and rotations; RSS,
# descriptors and checkpoint writes stay flat, every record arrives.
soak: $(B)/kagent-allocs
	@python3 tools/soak.py $(B)

clean:
	rm -rf build/host build/*-linux-* kagent

.PHONY: all test check deps size demo bench soak clean fuzz fuzzdeps fuzzrun FORCE
# keep generated sources: they are rewritten only when they change
.SECONDARY:
