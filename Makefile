# kamgar — a thin front for Meson. `make run` and `make test` work on a fresh Debian 12
# machine: both install what is missing first (scripts/setup.sh, idempotent).

BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
DEMO_DB    ?= demo.db
LISTEN     ?= 127.0.0.1:8080
FUZZ_SECONDS ?= 30

.PHONY: all setup build run test test-fast asan fuzz bench format format-check clean

all: build

setup:
	@./scripts/setup.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD) --buildtype=debugoptimized

build: setup $(BUILD)/build.ninja
	@./scripts/sources-changed.sh $(BUILD)
	@meson compile -C $(BUILD)

run: build
	@if [ ! -f $(DEMO_DB) ]; then $(BUILD)/kamgar demo --db $(DEMO_DB); \
	else echo "using the existing demo database $(DEMO_DB) (delete it to start afresh)"; fi
	@echo "kamgar: a public petition page: http://$(LISTEN)/p/pay-home-based-workers-fairly"
	@echo "kamgar: the API: http://$(LISTEN)/api/v1/ — demo login admin@demo.kamgar.org / kamgar-demo-2026"
	@$(BUILD)/kamgar serve --db $(DEMO_DB) --listen $(LISTEN)

# The whole suite: unit, handler, fuzz-corpus replay and end-to-end tests, in a normal
# build and again under AddressSanitizer + UndefinedBehaviorSanitizer.
test: setup
	@./scripts/test-all.sh $(BUILD) $(ASAN_BUILD)

# Only the normal build (quicker while working).
test-fast: build
	@./scripts/test-all.sh $(BUILD)

$(ASAN_BUILD)/build.ninja:
	CC=clang meson setup $(ASAN_BUILD) -Db_sanitize=address,undefined -Db_lundef=false \
	    --buildtype=debug

asan: setup $(ASAN_BUILD)/build.ninja
	@./scripts/sources-changed.sh $(ASAN_BUILD)
	@meson compile -C $(ASAN_BUILD)

$(FUZZ_BUILD)/build.ninja:
	CC=clang meson setup $(FUZZ_BUILD) -Dfuzz=true -Db_sanitize=address,undefined \
	    -Db_lundef=false --buildtype=debug

fuzz: setup $(FUZZ_BUILD)/build.ninja
	@./scripts/sources-changed.sh $(FUZZ_BUILD)
	@meson compile -C $(FUZZ_BUILD)
	@./scripts/fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

bench: build
	@./scripts/bench.sh $(BUILD)

format:
	clang-format -i $$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'bench/*.c')

format-check:
	@clang-format --dry-run --Werror $$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'bench/*.c') \
	    && echo "format-check: ok"

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
