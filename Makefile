# make test is THE test command: formatting, vet, then the race-enabled tests.

GO       ?= go
GOFMT    ?= gofmt
FUZZTIME ?= 10s

# Fails, listing the files, if any Go file is not gofmt-formatted.
GOFMT_CHECK = @unformatted="$$($(GOFMT) -l .)"; \
	if [ -n "$$unformatted" ]; then \
		printf 'these files need gofmt -w:\n%s\n' "$$unformatted"; exit 1; \
	fi

.PHONY: build test bench fuzz lint clean

build:
	$(GO) build -o bin/aim ./cmd/aim

test:
	$(GOFMT_CHECK)
	$(GO) vet ./...
	$(GO) test -race ./...

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# Runs each fuzz target in ./internal/oscar for FUZZTIME; none is not an error.
fuzz:
	@list="$$($(GO) test -list '^Fuzz' ./internal/oscar)" || { echo "$$list"; exit 1; }; \
	targets="$$(printf '%s\n' "$$list" | grep '^Fuzz' || true)"; \
	if [ -z "$$targets" ]; then echo "no fuzz targets in ./internal/oscar"; exit 0; fi; \
	for name in $$targets; do \
		echo "== $$name for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$$name$$" -fuzztime $(FUZZTIME) ./internal/oscar || exit 1; \
	done

lint:
	$(GOFMT_CHECK)
	$(GO) vet ./...

clean:
	rm -rf bin aim
