# make test is THE test command: formatting, vet, then the race-enabled tests.

GO       ?= go
GOFMT    ?= gofmt
# FUZZTIME is a count of inputs per fuzz target (100000x) or a duration
# (30s). The default is a count: Go 1.26's fuzz coordinator can fail a
# duration-bounded run with a bare "context deadline exceeded" at the
# deadline under CPU load (golang/go#75804, fixed in Go 1.27), and a count
# never meets that deadline.
FUZZTIME ?= 100000x

# Fails, listing the files, if any Go file is not gofmt-formatted.
GOFMT_CHECK = @unformatted="$$($(GOFMT) -l .)"; \
	if [ -n "$$unformatted" ]; then \
		printf 'these files need gofmt -w:\n%s\n' "$$unformatted"; exit 1; \
	fi

.PHONY: build test bench fuzz lint clean

build:
	$(GO) build -buildvcs=auto -o bin/aim ./cmd/aim

test:
	$(GOFMT_CHECK)
	$(GO) vet ./...
	$(GO) test -race ./...

# Every benchmark, then a summary of the figures (.ci/bench-summary). Takes
# about two minutes: the rate-limit benchmark sends 1,000 IMs in real
# time, and the footprint one watches an idle aim for 10 s. The raw output
# stays in bin/bench.txt, for benchstat. BENCH selects benchmarks.
BENCH     ?= .
BENCHTIME ?= 1s
bench:
	@mkdir -p bin
	@{ $(GO) test -run '^$$' -bench '$(BENCH)' -benchmem -benchtime $(BENCHTIME) -timeout 30m ./... 2>&1; \
		echo $$? > bin/bench.status; } | tee bin/bench.txt
	@.ci/bench-summary bin/bench.txt
	@exit $$(cat bin/bench.status)

# Runs every fuzz target of every package for FUZZTIME each (a few seconds
# each with the default count); none is not an error. A crasher is written to the package's testdata/fuzz and fails.
fuzz:
	@for pkg in $$($(GO) list ./...); do \
		list="$$($(GO) test -list '^Fuzz' $$pkg)" || { echo "$$list"; exit 1; }; \
		for name in $$(printf '%s\n' "$$list" | grep '^Fuzz' || true); do \
			echo "== $$pkg $$name for $(FUZZTIME)"; \
			$(GO) test -run '^$$' -fuzz "^$$name$$" -fuzztime $(FUZZTIME) -parallel 2 $$pkg || exit 1; \
		done; \
	done

lint:
	$(GOFMT_CHECK)
	$(GO) vet ./...

clean:
	rm -rf bin aim
