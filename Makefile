# wslbridge - build, test, install.  Non-recursive; one SRCS list per folder.
# `make` builds ./wslbridge; `make check` runs every test (see tests/run-all).

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/wslbridge
MANDIR ?= $(PREFIX)/share/man
DESTDIR ?=

CC ?= cc
PKG_CONFIG ?= pkg-config
PKGS = libxml-2.0 libpcre2-8
CFLAGS ?= -O2 -g
WARN = -Wall -Wextra -Werror -pedantic -Wstrict-prototypes -Wmissing-prototypes \
       -Wold-style-definition -Wvla -Wwrite-strings -Wformat=2 -Wformat-security \
       -Wshadow -Wundef -fno-common
BASE_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) -Isetup $(shell $(PKG_CONFIG) --cflags $(PKGS))
LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS))

# Everything but main.c goes into a library the tests link against.
LIB_SRCS = setup/util.c setup/log.c setup/ctx.c setup/match.c setup/keys.c \
	   setup/textcodec.c setup/ini.c setup/ini-edit.c setup/ini-lint.c \
	   setup/fault.c setup/atomic-file.c setup/lock.c setup/backup.c \
	   setup/verb-common.c setup/verb-config.c setup/verb-undo.c
MAIN_SRCS = setup/main.c
UNIT_TESTS = tests/unit/test-ini tests/unit/test-keys tests/unit/test-atomic \
	     tests/unit/test-textcodec tests/unit/test-backup

B = build/release
A = build/asan
ASAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	     -fno-sanitize-recover=all

LIB_OBJS = $(LIB_SRCS:%.c=$(B)/%.o)
ASAN_LIB_OBJS = $(LIB_SRCS:%.c=$(A)/%.o)

.PHONY: all check asan unit fuzz bench install uninstall clean
all: wslbridge

# `make V=1` shows the full commands.
Q = $(if $(V),,@)
$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(V),true,echo "  CC      $@")
	$(Q)$(CC) $(BASE_CFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(A)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(V),true,echo "  CC      $@")
	$(Q)$(CC) $(BASE_CFLAGS) $(ASAN_FLAGS) -MMD -MP -c -o $@ $<

$(B)/libwslbridge.a: $(LIB_OBJS)
	$(Q)$(AR) rcs $@ $^

$(A)/libwslbridge.a: $(ASAN_LIB_OBJS)
	$(Q)$(AR) rcs $@ $^

wslbridge: $(B)/setup/main.o $(B)/libwslbridge.a
	@$(if $(V),true,echo "  LINK    $@")
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LIBS)

$(A)/wslbridge: $(A)/setup/main.o $(A)/libwslbridge.a
	@$(if $(V),true,echo "  LINK    $@")
	$(Q)$(CC) $(ASAN_FLAGS) -o $@ $^ $(LIBS)

# Unit tests (cmocka), plain and sanitized.
$(B)/tests/unit/%: tests/unit/%.c $(B)/libwslbridge.a
	@mkdir -p $(dir $@)
	@$(if $(V),true,echo "  TEST    $@")
	$(Q)$(CC) $(BASE_CFLAGS) $(CFLAGS) -Wno-missing-prototypes -o $@ $^ $(LIBS) -lcmocka

$(A)/tests/unit/%: tests/unit/%.c $(A)/libwslbridge.a
	@mkdir -p $(dir $@)
	@$(if $(V),true,echo "  TEST    $@")
	$(Q)$(CC) $(BASE_CFLAGS) $(ASAN_FLAGS) -Wno-missing-prototypes -o $@ $^ $(LIBS) -lcmocka

unit: $(UNIT_TESTS:%=$(B)/%) $(UNIT_TESTS:%=$(A)/%)
asan: $(A)/wslbridge

# libFuzzer targets need clang; they are built only by `make fuzz`/`make check`.
FUZZ_TARGETS = fuzz-ini
FUZZ_CC ?= clang
F = build/fuzz
# The parsing modules only: what the fuzz targets exercise.
FUZZ_SRCS = setup/util.c setup/match.c setup/keys.c setup/textcodec.c setup/ini.c \
	    setup/ini-edit.c setup/ini-lint.c
$(F)/%: tests/fuzz/%.c $(FUZZ_SRCS)
	@mkdir -p $(dir $@)
	@$(if $(V),true,echo "  FUZZ    $@")
	$(Q)$(FUZZ_CC) -std=c11 -D_GNU_SOURCE -Isetup -g -O1 \
		-fsanitize=fuzzer,address,undefined $(shell $(PKG_CONFIG) --cflags $(PKGS)) \
		-o $@ $^ $(LIBS)

FUZZ_SECONDS ?= 60
fuzz: $(FUZZ_TARGETS:%=$(F)/%)
	@for t in $(FUZZ_TARGETS); do tests/fuzz/run $(F)/$$t $(FUZZ_SECONDS) || exit 1; done

check: wslbridge $(A)/wslbridge unit $(FUZZ_TARGETS:%=$(F)/%)
	@tests/run-all

$(B)/tests/bench/%: tests/bench/%.c $(B)/libwslbridge.a
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(BASE_CFLAGS) $(CFLAGS) -Wno-missing-prototypes -o $@ $^ $(LIBS)

bench: $(B)/tests/bench/bench-edit
	@$(B)/tests/bench/bench-edit

install: wslbridge
	install -d $(DESTDIR)$(BINDIR)
	install -m 0755 wslbridge $(DESTDIR)$(BINDIR)/wslbridge

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/wslbridge

clean:
	rm -rf build wslbridge

-include $(shell find build -name '*.d' 2>/dev/null)
