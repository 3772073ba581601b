# aping - asynchronous network reachability scanner.
#
# CFLAGS, CPPFLAGS and LDFLAGS from the environment (for example Debian's
# hardening flags) reach every compile and link line.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
DESTDIR ?=
PKG_CONFIG ?= pkg-config
WITH_LIBCAP ?= auto

CFLAGS ?= -O2 -g
AP_CFLAGS = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wshadow \
  -Wstrict-prototypes -Wmissing-prototypes
UV_CFLAGS := $(shell $(PKG_CONFIG) --cflags libuv 2>/dev/null)
UV_LIBS := $(shell $(PKG_CONFIG) --libs libuv 2>/dev/null || echo -luv)
# The exporter's HTTP server (--listen).
MHD_CFLAGS := $(shell $(PKG_CONFIG) --cflags libmicrohttpd 2>/dev/null)
MHD_LIBS := $(shell $(PKG_CONFIG) --libs libmicrohttpd 2>/dev/null || \
  echo -lmicrohttpd)

ifeq ($(WITH_LIBCAP),auto)
  HAVE_LIBCAP := $(shell $(PKG_CONFIG) --exists libcap 2>/dev/null && echo yes)
else ifeq ($(WITH_LIBCAP),yes)
  HAVE_LIBCAP := yes
endif
ifeq ($(HAVE_LIBCAP),yes)
  CAP_CFLAGS := -DHAVE_LIBCAP $(shell $(PKG_CONFIG) --cflags libcap 2>/dev/null)
  CAP_LIBS := $(shell $(PKG_CONFIG) --libs libcap 2>/dev/null || echo -lcap)
endif

ALL_CFLAGS = $(AP_CFLAGS) $(UV_CFLAGS) $(MHD_CFLAGS) $(CAP_CFLAGS) $(CPPFLAGS) \
  $(CFLAGS)
LIBS = $(UV_LIBS) $(MHD_LIBS) $(CAP_LIBS) -lm

# The compiler writes each object's header dependencies next to it (foo.o:
# foo.d; a program built in one step from its .c: PROG.d), so that a
# changed header rebuilds only what includes it; -MP keeps a deleted
# header from stopping the build.
DEPFLAGS = -MMD -MP

# Every module but main.c, found rather than listed, so that a new
# src/*.c needs no edit here: aping, the unit tests and the fuzz targets
# link against these.
LIB_SRC = $(filter-out src/main.c,$(wildcard src/*.c))
LIB_OBJ = $(LIB_SRC:.c=.o)
UNIT_TESTS = $(patsubst tests/unit/%.c,tests/unit/%,$(wildcard tests/unit/test-*.c))

all: aping

aping: src/main.o $(LIB_OBJ)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ src/main.o $(LIB_OBJ) $(LIBS)

src/%.o: src/%.c
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -c -o $@ $<

tests/unit/test-%: tests/unit/test-%.c $(LIB_OBJ)
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -MF $@.d -Isrc $(LDFLAGS) -o $@ $< \
	  $(LIB_OBJ) $(LIBS)

check: aping $(UNIT_TESTS)
	@sh tests/run.sh $(UNIT_TESTS) tests/cli/test-*.sh tests/lab/test-*.sh

# The unit tests alone: no root, no network, seconds.
check-unit: $(UNIT_TESTS)
	@sh tests/run.sh $(UNIT_TESTS)

bench: aping
	@bash bench/run.sh

# AddressSanitizer and UndefinedBehaviorSanitizer: ./aping-asan and the unit
# tests, built apart in build/asan/ so that they never mix with the normal
# objects.  A sanitizer report ends the program (-fno-sanitize-recover) and
# goes to a log file rather than to standard error, where a test that
# expects aping to fail could mistake it for the failure it wanted:
# check-asan runs the tests of ASAN_TESTS (below) against ./aping-asan and
# then fails if any report was written, whatever the tests said.  The log
# directory is a fresh one in TMPDIR, open to all (mode 1777), since the lab
# tests also run aping as nobody.  LeakSanitizer runs at every exit() of aping.
ASAN_CC ?= $(CC)
ASAN_FLAGS = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
  -fno-sanitize-recover=all
ASAN_CFLAGS = $(AP_CFLAGS) $(UV_CFLAGS) $(MHD_CFLAGS) $(CAP_CFLAGS) $(CPPFLAGS) $(CFLAGS) \
  $(ASAN_FLAGS)
ASAN_OBJ = $(patsubst src/%.c,build/asan/%.o,$(LIB_SRC))
ASAN_UNIT = $(patsubst tests/unit/%,build/asan/%,$(UNIT_TESTS))
# What check-asan runs (CI's time is what limits it; make check-asan
# ASAN_TESTS="..." runs any other list): every unit test and command-line
# test, and the lab files that take aping down code paths no other build
# checks for memory errors, at a cost in seconds: test-faults (descriptor
# exhaustion, memory bounds, signals at each engine's busiest moment),
# test-sendfail (failing sends, a route gone mid-scan), test-tcp (TCP and
# Telnet peers, hostile ones among them, through real sockets) and
# test-resolve-stop (stopping while names resolve).  The other lab files
# mostly wait on timers (silent hosts, deadlines, signals at set moments)
# over paths that the unit and command-line tests, these files,
# check-valgrind's scans (ICMP over IPv4 and IPv6, TCP, Telnet, -m exec,
# --state, the exporter scraped and reloaded) or check-tsan's threaded
# sweeps run too; under ASan they took some nine minutes of CI's fifteen.
ASAN_LAB = faults sendfail tcp resolve-stop
ASAN_TESTS = $(ASAN_UNIT) tests/cli/test-*.sh \
  $(patsubst %,tests/lab/test-%.sh,$(ASAN_LAB))
# detect_leaks is the default on x86-64 Linux, said here so that another
# platform's default cannot turn it off silently.
ASAN_ENV = ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:exitcode=86:$\
log_path=$$log/asan:$(ASAN_OPTIONS) \
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:exitcode=86:$\
log_path=$$log/ubsan:$(UBSAN_OPTIONS)

build/asan/%.o: src/%.c
	@mkdir -p build/asan
	$(ASAN_CC) $(ASAN_CFLAGS) $(DEPFLAGS) -c -o $@ $<

aping-asan: build/asan/main.o $(ASAN_OBJ)
	$(ASAN_CC) $(ASAN_CFLAGS) $(LDFLAGS) -o $@ build/asan/main.o $(ASAN_OBJ) \
	  $(LIBS)

build/asan/test-%: tests/unit/test-%.c $(ASAN_OBJ)
	$(ASAN_CC) $(ASAN_CFLAGS) $(DEPFLAGS) -MF $@.d -Isrc $(LDFLAGS) -o $@ $< \
	  $(ASAN_OBJ) $(LIBS)

# The tests find a running aping by its process name, so check-asan runs
# a copy called aping.
build/asan/bin/aping: aping-asan
	@mkdir -p build/asan/bin
	cp aping-asan $@

asan: aping-asan

check-asan: build/asan/bin/aping $(ASAN_UNIT)
	@log=$$(mktemp -d "$${TMPDIR:-/tmp}/aping-asan-log.XXXXXX") && \
	chmod 1777 "$$log" || exit 1; \
	$(ASAN_ENV) APING=$(CURDIR)/build/asan/bin/aping sh tests/run.sh \
	  $(ASAN_TESTS); rc=$$?; \
	n=$$(ls "$$log" | wc -l); \
	for f in "$$log"/*; do [ -e "$$f" ] && echo "== $$f" && cat "$$f"; done; \
	rm -rf "$$log"; \
	if [ "$$n" -gt 0 ]; then \
	  echo "check-asan: FAIL: $$n sanitizer report(s)"; exit 1; \
	elif [ "$$rc" -ne 0 ]; then \
	  echo "check-asan: FAIL: the suite failed"; exit 1; \
	fi; \
	echo "check-asan: ok, no sanitizer report"

# ThreadSanitizer over what --threads shares between threads: the unit
# tests of the hand-off queue (several senders, one taker), of the loop
# watcher (one per thread) and of the order's ranges (four threads taking
# them at once), and ./aping-tsan for a
# threaded sweep in the lab (tests/lab/test-threads.sh runs it when built:
# APING_TSAN).  Built apart in build/tsan/.  CI runs make check with
# APING_TSAN set, so that test-threads makes its ThreadSanitizer sweeps
# there, and check-tsan with TSAN_LAB empty: the file runs once.
TSAN_FLAGS = -O1 -g -fno-omit-frame-pointer -fsanitize=thread
TSAN_CFLAGS = $(AP_CFLAGS) $(UV_CFLAGS) $(MHD_CFLAGS) $(CAP_CFLAGS) \
  $(CPPFLAGS) $(CFLAGS) $(TSAN_FLAGS)
TSAN_OBJ = $(patsubst src/%.c,build/tsan/%.o,$(LIB_SRC))
build/tsan/%.o: src/%.c
	@mkdir -p build/tsan
	$(CC) $(TSAN_CFLAGS) $(DEPFLAGS) -c -o $@ $<
aping-tsan: build/tsan/main.o $(TSAN_OBJ)
	$(CC) $(TSAN_CFLAGS) $(LDFLAGS) -o $@ build/tsan/main.o $(TSAN_OBJ) $(LIBS)
build/tsan/test-%: tests/unit/test-%.c $(TSAN_OBJ)
	$(CC) $(TSAN_CFLAGS) $(DEPFLAGS) -MF $@.d -Isrc $(LDFLAGS) -o $@ $< \
	  $(TSAN_OBJ) $(LIBS)
TSAN_LAB = tests/lab/test-threads.sh
check-tsan: build/tsan/test-handoff build/tsan/test-loopwatch \
  build/tsan/test-workers aping-tsan
	TSAN_OPTIONS=halt_on_error=1:exitcode=66 build/tsan/test-handoff
	TSAN_OPTIONS=halt_on_error=1:exitcode=66 build/tsan/test-loopwatch
	TSAN_OPTIONS=halt_on_error=1:exitcode=66 build/tsan/test-workers
	$(if $(TSAN_LAB),APING_TSAN=$(CURDIR)/aping-tsan sh tests/run.sh $(TSAN_LAB))

# The unit tests and scans in the lab under valgrind (as root, for the lab).
check-valgrind: aping $(UNIT_TESTS)
	@sh tests/run.sh tests/valgrind/test-valgrind.sh

# libFuzzer targets for the parsers of outside input (needs clang; not part
# of check): tests/fuzz/fuzz-NAME.c, linked against an archive of every
# module built with the fuzzing flags (build/fuzz/libaping.a, from which the
# linker takes only the modules the target needs), starts from the seeds
# in tests/fuzz/corpus/NAME/.  `make fuzz`
# runs each in turn for FUZZ_SECONDS (default 60) with a scratch corpus
# directory first, so that the seeds in the tree are never written to, and
# stops at the first crash, leak, timeout (FUZZ_TIMEOUT seconds on one
# input) or memory blow-up; `make fuzz-run-NAME` runs one.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_TIMEOUT ?= 10
FUZZ_FLAGS = -g -O1 -fno-omit-frame-pointer \
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS = $(AP_CFLAGS) $(UV_CFLAGS) $(MHD_CFLAGS) $(CAP_CFLAGS) $(FUZZ_FLAGS)
FUZZ_NAMES = $(patsubst tests/fuzz/fuzz-%.c,%,$(wildcard tests/fuzz/fuzz-*.c))
FUZZ_TARGETS = $(patsubst %,tests/fuzz/fuzz-%,$(FUZZ_NAMES))
FUZZ_OBJ = $(patsubst src/%.c,build/fuzz/obj/%.o,$(LIB_SRC))
# Inputs longer than a target file's line limit, so that it is crossed.
FUZZ_LEN_tfile = 16384

build/fuzz/obj/%.o: src/%.c
	@mkdir -p build/fuzz/obj
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(DEPFLAGS) -c -o $@ $<

# Made anew, so that a module removed from src/ does not stay in it.
build/fuzz/libaping.a: $(FUZZ_OBJ)
	rm -f $@
	$(AR) rcs $@ $(FUZZ_OBJ)

tests/fuzz/fuzz-%: tests/fuzz/fuzz-%.c build/fuzz/libaping.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(DEPFLAGS) -MF $@.d -Isrc -o $@ $< \
	  build/fuzz/libaping.a $(LIBS)

# Kept: made through fuzz-run-NAME, they would go as intermediate files.
.SECONDARY: $(FUZZ_TARGETS)

fuzz-run-%: tests/fuzz/fuzz-%
	@echo "== fuzz-$* ($(FUZZ_SECONDS) s)"
	@mkdir -p build/fuzz; d=$$(mktemp -d) || exit 1; \
	./tests/fuzz/fuzz-$* -max_total_time=$(FUZZ_SECONDS) \
	  -timeout=$(FUZZ_TIMEOUT) -max_len=$(or $(FUZZ_LEN_$*),4096) \
	  -print_final_stats=1 -artifact_prefix=build/fuzz/fuzz-$*- \
	  "$$d" tests/fuzz/corpus/$* \
	  >"$$d.log" 2>&1; rc=$$?; \
	grep -E '^(#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss)' \
	  "$$d.log"; \
	if [ $$rc -ne 0 ]; then \
	  tail -n 60 "$$d.log"; echo "fuzz-$*: FAIL (exit $$rc)"; \
	else echo "fuzz-$*: ok"; fi; \
	rm -rf "$$d" "$$d.log"; exit $$rc

fuzz: $(patsubst %,fuzz-run-%,$(FUZZ_NAMES))
	@echo "fuzz: ok, $(words $(FUZZ_NAMES)) targets, $(FUZZ_SECONDS) s each"

# No file capability here: setcap needs root and a file system that keeps
# it, and packages set it in their own way (postinst, %caps); see the manual.
install: aping
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	  $(DESTDIR)$(BASHCOMPDIR)
	install -m 0755 aping $(DESTDIR)$(BINDIR)/aping
	install -m 0644 man/aping.1 $(DESTDIR)$(MANDIR)/man1/aping.1
	install -m 0644 contrib/bash-completion/aping $(DESTDIR)$(BASHCOMPDIR)/aping

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/aping $(DESTDIR)$(MANDIR)/man1/aping.1 \
	  $(DESTDIR)$(BASHCOMPDIR)/aping

# Packages, left in dist/: each is built from a copy of the source files
# (no built objects) in a scratch directory; see packaging/build.sh.
deb:
	@sh packaging/build.sh deb

rpm:
	@sh packaging/build.sh rpm

clean:
	rm -f aping aping-asan aping-tsan src/*.o src/*.d $(UNIT_TESTS) \
	  tests/unit/*.d $(FUZZ_TARGETS) tests/fuzz/*.d
	rm -rf dist build

# What building and testing need, on Debian 12 (the list, and why each,
# is in the script, which needs no make: README's first command runs it).
# As root it runs apt-get, else through sudo.
deps:
	@sh packaging/deps.sh

# The header dependencies the compiler wrote (none before the first build).
-include $(wildcard src/*.d tests/unit/*.d build/asan/*.d build/fuzz/obj/*.d \
  tests/fuzz/*.d)

.PHONY: all check check-unit check-asan check-tsan check-valgrind asan \
  bench fuzz install uninstall clean deps deb rpm
