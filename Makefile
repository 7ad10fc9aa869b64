# newsd build. `make help` lists the targets.
#
# Every source under server/<module>/ is compiled once into build/<tree>/; the
# binary links them with server/main.c; each tests/unit/test_*.c links them
# (never main.c). Objects are linked directly, not through an archive, whose
# members are named by basename only (text/entities.o vs api/entities.o). BUILD selects the tree, so the sanitizer build never mixes objects
# with the normal one.

BUILD ?= build/default
CC ?= cc
PKGS := libmicrohttpd jansson libpq libuv libutf8proc libxml-2.0 zlib

CFLAGS ?= -g -O2
CFLAGS += -std=c11 -D_DEFAULT_SOURCE -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	  -Wmissing-prototypes -Wdeclaration-after-statement -Wformat=2 -Wvla -Wpointer-arith -Wundef \
	  -Wno-unused-parameter -Iinclude -MMD -MP
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
LDLIBS += $(PKG_LIBS) -lstemmer -lpthread -lm  # libstemmer ships no pkg-config file
LDLIBS += -lbz2  # the knowledge-base importer reads .bz2 dumps; no pkg-config file either

SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
ifeq ($(SANITIZER),asan)
CFLAGS += $(SANITIZE) -O1
LDFLAGS += $(SANITIZE)
endif

LIB_SRC := $(sort $(wildcard server/*/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
MAIN_OBJ := $(BUILD)/server/main.o
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
EVAL_SRC := $(sort $(wildcard tests/eval/eval_*.c))
EVAL_BIN := $(EVAL_SRC:tests/eval/%.c=$(BUILD)/eval/%)
CORPORA ?= $(abspath ../shared/corpora)
HEADERS := $(sort $(wildcard include/*.h))

.PHONY: all build deps run test unit integration e2e asan bench eval format format-check \
	check-headers clean help migrate

all: build

help:
	@echo "make run          install what is missing, build, start PostgreSQL (unless DATABASE_URL), migrate, serve"
	@echo "make test         install what is missing, build, run unit and integration tests"
	@echo "make asan         the same tests on an AddressSanitizer + UBSan build (leaks fail)"
	@echo "make bench        benchmarks (figures as ratios against baselines measured in the same run)"
	@echo "make eval         quality figures of each pipeline stage on ../shared/corpora"
	@echo "make ner-model    retrain the entity tagger (server/text/ner_model.c) from ../shared/corpora"
	@echo "make build        compile build/default/newsd only"
	@echo "make format       clang-format every C file; make format-check only checks"

build: $(BUILD)/newsd

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC $<"
	@$(CC) $(CFLAGS) $(PKG_CFLAGS) -c -o $@ $<

$(BUILD)/newsd: $(MAIN_OBJ) $(LIB_OBJ)
	@echo "  LD $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(LIB_OBJ)
	@mkdir -p $(dir $@)
	@echo "  LD $@"
	@$(CC) $(CFLAGS) $(PKG_CFLAGS) $(LDFLAGS) -o $@ $< $(LIB_OBJ) $(LDLIBS) -lcmocka

$(BUILD)/eval/%: tests/eval/%.c tests/eval/eval.h $(LIB_OBJ)
	@mkdir -p $(dir $@)
	@echo "  LD $@"
	@$(CC) $(CFLAGS) $(PKG_CFLAGS) $(LDFLAGS) -o $@ $< $(LIB_OBJ) $(LDLIBS)

# Event-kind and role triggers are data (data/events/*.tsv), generated into C
# (committed, so a tree without data/, as the Docker build's, uses it as is).
server/text/evkind_data.c: $(wildcard data/events/kinds.tsv data/events/roles.tsv data/events/gen-kinds.awk)
	@echo "  GEN $@"
	@LC_ALL=C awk -f data/events/gen-kinds.awk data/events/kinds.tsv data/events/roles.tsv > $@.tmp
	@mv $@.tmp $@

deps:
	@scripts/deps.sh

run: deps
	@$(MAKE) --no-print-directory build
	@scripts/run.sh $(BUILD)/newsd

migrate: build
	@$(BUILD)/newsd migrate

# Unit tests: pure C, no network, no database. Each binary prints cmocka's
# summary; the last line here is the plain "N passed, N failed" total.
unit: $(UNIT_BIN)
	@scripts/run-unit.sh $(UNIT_BIN)

integration: $(BUILD)/newsd
	@NEWSD_BIN=$(abspath $(BUILD)/newsd) scripts/run-integration.sh

# Browser tests of the dashboard: Debian's Chromium driven by playwright-core
# against a real newsd (tests/e2e/).
e2e: $(BUILD)/newsd
	@NEWSD_BIN=$(abspath $(BUILD)/newsd) scripts/run-e2e.sh

test: deps
	@$(MAKE) --no-print-directory build unit
	@$(MAKE) --no-print-directory integration
	@$(MAKE) --no-print-directory e2e

asan: deps
	@$(MAKE) --no-print-directory BUILD=build/asan SANITIZER=asan build unit integration

# Quality figures on the public corpora (../shared/corpora, or CORPORA=...):
# one table; a stage whose data is absent says so and is skipped. Linking
# (scripts/eval-linking.mjs) runs newsd on a scratch PostgreSQL.
eval: deps
	@$(MAKE) --no-print-directory $(EVAL_BIN) $(BUILD)/newsd
	@CORPORA=$(CORPORA) NEWSD_BIN=$(abspath $(BUILD)/newsd) scripts/eval.sh $(EVAL_BIN) \
		scripts/eval-linking.mjs

$(BUILD)/bench/text_bench: bench/text_bench.c $(LIB_OBJ)
	@mkdir -p $(dir $@)
	@echo "  LD $@"
	@$(CC) $(CFLAGS) $(PKG_CFLAGS) $(LDFLAGS) -o $@ $< $(LIB_OBJ) $(LDLIBS)

$(BUILD)/bench/gen_news: bench/gen_news.c $(LIB_OBJ)
	@mkdir -p $(dir $@)
	@echo "  LD $@"
	@$(CC) $(CFLAGS) $(PKG_CFLAGS) $(LDFLAGS) -o $@ $< $(LIB_OBJ) $(LDLIBS)

# The entity tagger's model (server/text/ner_model.c) and gazetteer
# (server/text/ner_gaz.c), retrained from $(CORPORA)/ner/europeana-fr, data/ner/own
# and data/kb/gazetteer.tsv (data/ner/README.md). Building never needs this.
$(BUILD)/tools/ner_train: tools/ner_train.c tools/ner_corpus.h server/text/ner.h $(LIB_OBJ)
	@mkdir -p $(dir $@)
	@echo "  LD $@"
	@$(CC) $(CFLAGS) $(PKG_CFLAGS) $(LDFLAGS) -o $@ $< $(LIB_OBJ) $(LDLIBS)

.PHONY: ner-model
ner-model:
	@$(MAKE) --no-print-directory $(BUILD)/tools/ner_train
	@$(BUILD)/tools/ner_train --corpora $(CORPORA)

bench: deps
	@$(MAKE) --no-print-directory build $(BUILD)/bench/text_bench
	@$(BUILD)/bench/text_bench tests/fixtures/articles 3
	@NEWSD_BIN=$(abspath $(BUILD)/newsd) bench/run.sh
	@NEWSD_BIN=$(abspath $(BUILD)/newsd) bench/kb_bench.sh
	@$(MAKE) --no-print-directory bench-ingest

# Ingestion at scale (bench/ingest_scale.sh): 10k, 100k and 1M articles
# preloaded, about 6 minutes; BENCH_SIZES="10000 100000" for less.
.PHONY: bench-ingest
bench-ingest: deps
	@$(MAKE) --no-print-directory build $(BUILD)/bench/text_bench $(BUILD)/bench/gen_news
	@NEWSD_BIN=$(abspath $(BUILD)/newsd) GEN_NEWS=$(abspath $(BUILD)/bench/gen_news) \
		TEXT_BENCH=$(abspath $(BUILD)/bench/text_bench) bench/ingest_scale.sh

FORMATTED = $(LIB_SRC) server/main.c $(HEADERS) $(UNIT_SRC) $(EVAL_SRC) bench/text_bench.c bench/gen_news.c \
	$(wildcard server/*/*.h tests/eval/*.h tests/unit/*.h)

format:
	clang-format -i $(FORMATTED)

format-check:
	clang-format --dry-run --Werror $(FORMATTED)

# Each public header must compile on its own.
check-headers:
	@for h in $(HEADERS); do \
		echo "#include \"$$(basename $$h)\"" | $(CC) $(filter-out -MMD -MP,$(CFLAGS)) $(PKG_CFLAGS) -x c -fsyntax-only - || exit 1; \
	done; echo "headers ok"

clean:
	rm -rf build

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d)

# The docker-compose deployment built and run on a real Docker engine (Debian's
# docker.io started on a private socket, local base images, no registry):
# scripts/test-containers.sh; needs root. See docs/deployment.md.
.PHONY: test-containers
test-containers:
	@scripts/test-containers.sh
