# stanza - a command-line XMPP toolkit
# Targets: all (default), test, test-ejabberd, check, demo, install, deps,
# bench, clean.

VERSION   = 0.1.0
PREFIX   ?= /usr/local
DESTDIR  ?=
BUILD    ?= build
CC       ?= cc

PKGS      = libstrophe libcrypto expat libedit
WARN      = -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wformat=2 -Wvla -Werror
CFLAGS   ?= -O2 -g
ALL_CFLAGS = -std=c17 -D_GNU_SOURCE -DSTANZA_VERSION='"$(VERSION)"' \
             -I. $(WARN) $(CFLAGS) $(SAN) \
             $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS    = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

LIB_SRC   = $(wildcard lib/*.c)
CMD_SRC   = $(wildcard cmd/*.c)
LIB_OBJ   = $(LIB_SRC:%.c=$(BUILD)/%.o)
CMD_OBJ   = $(CMD_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC  = $(wildcard tests/unit/test-*.c)
UNIT_BIN  = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
MAN_SRC   = $(wildcard man/*.scd)
MAN_OUT   = $(MAN_SRC:man/%.scd=$(BUILD)/man/%)

.PHONY: all deps test test-ejabberd check check-format demo install bench clean unit man fuzz

all: $(BUILD)/stanza

deps:
	@tools/deps

$(BUILD)/%.o: %.c $(wildcard lib/*.h cmd/*.h) | deps
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/libstanza.a: $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/stanza: $(CMD_OBJ) $(BUILD)/libstanza.a
	$(CC) $(ALL_CFLAGS) -o $@ $(CMD_OBJ) $(BUILD)/libstanza.a $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/tap.h $(BUILD)/libstanza.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libstanza.a $(LDLIBS)

unit: $(UNIT_BIN)

$(BUILD)/man/%: man/%.scd tools/scdoc-tidy.awk | deps
	@mkdir -p $(dir $@)
	scdoc < $< | awk -f tools/scdoc-tidy.awk > $@

man: $(MAN_OUT)

install: all man
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	    $(DESTDIR)$(PREFIX)/share/man/man5 \
	    $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
	    $(DESTDIR)$(PREFIX)/share/zsh/site-functions \
	    $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 755 $(BUILD)/stanza $(DESTDIR)$(PREFIX)/bin/stanza
	for c in $$($(BUILD)/stanza --list-commands); do \
	    ln -sf stanza $(DESTDIR)$(PREFIX)/bin/stanza-$$c; \
	    ln -sf stanza $(DESTDIR)$(PREFIX)/share/bash-completion/completions/stanza-$$c; \
	    ln -sf stanza.fish $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/stanza-$$c.fish; \
	done
	for m in $(MAN_OUT); do case $$m in \
	    *.1) install -m 644 $$m $(DESTDIR)$(PREFIX)/share/man/man1/ ;; \
	    *.5) install -m 644 $$m $(DESTDIR)$(PREFIX)/share/man/man5/ ;; esac; done
	install -m 644 completions/stanza.bash \
	    $(DESTDIR)$(PREFIX)/share/bash-completion/completions/stanza
	install -m 644 completions/_stanza $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_stanza
	install -m 644 completions/stanza.fish \
	    $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/stanza.fish

# The installed layout the tests drive, as a user would.
$(BUILD)/inst/bin/stanza: $(BUILD)/stanza $(MAN_OUT) $(wildcard completions/*)
	$(MAKE) --no-print-directory install PREFIX=$(abspath $(BUILD)/inst) DESTDIR=

test: $(BUILD)/inst/bin/stanza unit
	@tests/run $(BUILD)

# The same suite against ejabberd 23.01 instead of Prosody.
test-ejabberd: $(BUILD)/inst/bin/stanza unit
	@STANZA_TEST_SERVER=ejabberd tests/run $(BUILD)

check-format:
	clang-format --dry-run --Werror lib/*.[ch] cmd/*.[ch] tests/unit/*.[ch] bench/*.c tests/fuzz/*.c

check: check-format
	$(MAKE) --no-print-directory BUILD=build-san CFLAGS="-O1 -g" \
	    SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" test

demo: $(BUILD)/inst/bin/stanza
	@tools/demo $(BUILD)

$(BUILD)/bench/record: bench/record.c $(BUILD)/libstanza.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libstanza.a $(LDLIBS)

bench: $(BUILD)/inst/bin/stanza $(BUILD)/bench/record
	@$(BUILD)/bench/record
	@bench/send $(BUILD)

# libFuzzer targets (clang, ASan + UBSan): make fuzz builds build/fuzz-* and
# runs each for FUZZ_SECONDS (default 60) from its seeds in
# tests/fuzz/corpus-*, then prints the executions and crashes (tests/fuzz/run).
FUZZ_SECONDS ?= 60
FUZZ_SRC  = $(wildcard tests/fuzz/fuzz-*.c)
FUZZ_BIN  = $(FUZZ_SRC:tests/fuzz/%.c=build/%)
FUZZ_OBJ  = $(LIB_SRC:%.c=build/fuzz-obj/%.o)
FUZZ_CC   = clang -std=c17 -D_GNU_SOURCE -I. -g -O1 -fno-omit-frame-pointer \
            -fsanitize=address,undefined -fno-sanitize-recover=undefined \
            $(shell pkg-config --cflags $(PKGS) 2>/dev/null)

fuzz: $(FUZZ_BIN)
	@tests/fuzz/run $(FUZZ_SECONDS) $(FUZZ_BIN)

.SECONDARY: $(FUZZ_OBJ)

build/fuzz-obj/%.o: %.c $(wildcard lib/*.h)
	@mkdir -p $(dir $@)
	@echo "  FUZZCC  $<"
	@$(FUZZ_CC) -fsanitize=fuzzer-no-link -c -o $@ $<

build/fuzz-%: tests/fuzz/fuzz-%.c $(FUZZ_OBJ)
	@echo "  FUZZLD  $@"
	@$(FUZZ_CC) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJ) $(LDLIBS)

clean:
	rm -rf build build-san
