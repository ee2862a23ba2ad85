# heed: the two-command quick start is `make demo` and `make test`.
GO       ?= go
BIN      := bin/heed
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X main.version=$(VERSION)
SHARED   ?= ../shared
FUZZTIME ?= 60s

.PHONY: all build demo test test-race vet fmt-check eval eval-peers fuzz bench crashcheck test-elasticsearch clean

all: build

## build: compile bin/heed
build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/heed

## demo: build, then run the whole nightly job offline on the bundled sample world (writes out/demo/)
demo: build
	./$(BIN) demo --out out/demo

## test: formatting, vet and every test (no network, no ../shared needed)
test: fmt-check vet
	$(GO) test -count=1 ./...

## test-race: every test under the race detector (about 4 minutes here); opt-in
test-race:
	$(GO) test -race -count=1 ./...

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.git/*')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

## eval: quality on the shared development data (../shared), failing under the floors
eval: build
	./$(BIN) eval --shared $(SHARED) --check

## eval-peers: eval, and the scikit-learn peers of ../shared/bench on the same protocols (needs python3-sklearn)
eval-peers: build
	./$(BIN) eval --shared $(SHARED) --peers

## fuzz: run every fuzz target for FUZZTIME each (opt-in; not part of CI)
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
		for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
			echo "== $$pkg $$f ($(FUZZTIME))"; \
			$(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg; \
		done; \
	done

## test-elasticsearch: the store conformance suite against a real Elasticsearch 8 (opt-in):
##   make test-elasticsearch HEED_ELASTICSEARCH_URL=http://127.0.0.1:9200
HEED_ELASTICSEARCH_URL ?= http://127.0.0.1:9200
test-elasticsearch:
	HEED_ELASTICSEARCH_URL=$(HEED_ELASTICSEARCH_URL) $(GO) test -count=1 -v -run 'TestConformance' ./store/elastic

## bench: time heed on large generated inputs (1M requests; opt-in, not part of CI)
bench: build
	./scripts/bench.sh

## crashcheck: kill -9 `heed run` at 22 points of a large run (200,000 requests beside a live suggestion
##   source) and check each rerun ends as an uninterrupted run (opt-in; 20-40 minutes); smaller:
##   make crashcheck CRASHCHECK_FLAGS='-requests 20000 -pages 2000 -points 4'
crashcheck: build
	$(GO) run ./tools/crashcheck -heed $(BIN) $(CRASHCHECK_FLAGS)

clean:
	rm -rf bin out
