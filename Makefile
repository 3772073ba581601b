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
  -Wstrict-prototypes -Wmissing-prototypes -Wno-missing-field-initializers
UV_CFLAGS := $(shell $(PKG_CONFIG) --cflags libuv 2>/dev/null)
UV_LIBS := $(shell $(PKG_CONFIG) --libs libuv 2>/dev/null || echo -luv)

ifeq ($(WITH_LIBCAP),auto)
  HAVE_LIBCAP := $(shell $(PKG_CONFIG) --exists libcap 2>/dev/null && echo yes)
else ifeq ($(WITH_LIBCAP),yes)
  HAVE_LIBCAP := yes
endif
ifeq ($(HAVE_LIBCAP),yes)
  CAP_CFLAGS := -DHAVE_LIBCAP $(shell $(PKG_CONFIG) --cflags libcap 2>/dev/null)
  CAP_LIBS := $(shell $(PKG_CONFIG) --libs libcap 2>/dev/null || echo -lcap)
endif

ALL_CFLAGS = $(AP_CFLAGS) $(UV_CFLAGS) $(CAP_CFLAGS) $(CPPFLAGS) $(CFLAGS)
LIBS = $(UV_LIBS) $(CAP_LIBS) -lm

# Everything but main.c: the unit tests link against these too.
LIB_SRC = src/addr.c src/target.c src/order.c src/siphash.c src/icmp.c \
  src/tally.c src/scan.c src/echo.c src/priv.c src/resolve.c src/output.c \
  src/telnet.c src/banner.c src/ports.c src/combine.c src/tcp.c src/svc.c \
  src/format.c src/hist.c src/atomic.c src/state.c src/progress.c \
  src/pingout.c src/exec.c src/loopwatch.c
LIB_OBJ = $(LIB_SRC:.c=.o)
UNIT_TESTS = $(patsubst tests/unit/%.c,tests/unit/%,$(wildcard tests/unit/test-*.c))

all: aping

aping: src/main.o $(LIB_OBJ)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ src/main.o $(LIB_OBJ) $(LIBS)

src/%.o: src/%.c src/*.h
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

tests/unit/test-%: tests/unit/test-%.c tests/unit/tap.h $(LIB_OBJ)
	$(CC) $(ALL_CFLAGS) -Isrc $(LDFLAGS) -o $@ $< $(LIB_OBJ) $(LIBS)

check: aping $(UNIT_TESTS)
	@sh tests/run.sh $(UNIT_TESTS) tests/cli/test-*.sh tests/lab/test-*.sh

bench: aping
	@bash bench/run.sh

# libFuzzer targets for the pure parsers (needs clang; not part of check):
# builds tests/fuzz/fuzz-<name> from src/<name>.c, then runs each for
# FUZZ_SECONDS (default 60) with a scratch corpus directory seeded from
# tests/fuzz/corpus, so that the seeds in the tree are never written to.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined
FUZZ_TARGETS = $(patsubst %.c,%,$(wildcard tests/fuzz/fuzz-*.c))

tests/fuzz/fuzz-%: tests/fuzz/fuzz-%.c src/%.c src/*.h
	$(FUZZ_CC) $(AP_CFLAGS) $(FUZZ_FLAGS) -Isrc -o $@ $< src/$*.c

fuzz: $(FUZZ_TARGETS)
	@for f in $(FUZZ_TARGETS); do \
	  echo "== $$f ($(FUZZ_SECONDS) s)"; \
	  d=$$(mktemp -d) || exit 1; \
	  ./$$f -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
	    "$$d" tests/fuzz/corpus || { rm -rf "$$d"; exit 1; }; \
	  rm -rf "$$d"; \
	done

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
	rm -f aping src/*.o $(UNIT_TESTS) $(FUZZ_TARGETS)
	rm -rf dist

DEB_PACKAGES = build-essential pkg-config libuv1-dev libcap-dev libcap2-bin \
  iproute2 iputils-ping fping nmap python3 procps util-linux time busybox \
  python3-prometheus-client mandoc man-db bash-completion \
  debhelper dpkg-dev fakeroot lintian rpm rpmlint

deps:
	@if [ "$$(id -u)" = 0 ]; then \
	  apt-get update && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y $(DEB_PACKAGES); \
	else \
	  echo "run as root: apt-get update && apt-get install -y $(DEB_PACKAGES)"; \
	fi

.PHONY: all check bench fuzz install uninstall clean deps deb rpm
