# Argus — common tasks. `make help` lists them.

GO              ?= go
BIN             := bin/argus
STATICCHECK     := honnef.co/go/tools/cmd/staticcheck@v0.8.2
VERSION         ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
GOTESTFLAGS     ?= -race -timeout 30m

.PHONY: help demo demo-ui deps build test bench calibrate chaos lint fmt-check vet staticcheck browser-image docker-browser-image images compose-smoke clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-15s %s\n", $$1, $$2}'

demo: deps build ## start the demo app and run the demo suite against it (the README's first command)
	$(BIN) demo

demo-ui: deps build ## make demo, then keep the web UI running with the demo project and its run (embedded database in out/demo-data)
	$(BIN) demo --serve

deps: ## install the Debian packages the demo and the tests need (PostgreSQL, Chromium, chromedriver), if missing
	@bash scripts/install-deps.sh

build: ## build bin/argus
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BIN) ./cmd/argus

test: deps docker-browser-image ## run every test (starts throwaway PostgreSQL clusters itself)
	$(GO) test $(GOTESTFLAGS) ./...
	@# The chromedp comparison is a module of its own: make sure it still builds.
	cd bench && $(GO) vet .

bench: deps docker-browser-image ## run every benchmark and print the published figures side by side (also out/bench.json); minutes
	$(GO) run ./cmd/benchtable

calibrate: deps build ## run the demo suite against every injected bug of the demo app; confusion table per mode (also out/calibration.json)
	$(BIN) calibrate

chaos: deps docker-browser-image ## fault tests on real parts (killed worker, model 429s, receiver down, containers), one table line each (also out/chaos.json)
	$(GO) run ./cmd/chaos

lint: fmt-check vet staticcheck ## gofmt, go vet and staticcheck

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' | grep -v '^bench/')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

staticcheck:
	$(GO) run $(STATICCHECK) ./...

browser-image: ## build the argus-browser image from Debian packages (no registry needed)
	bash docker/browser/build.sh

images: browser-image ## build the argus (FROM scratch), argus-postgres:15 and argus-browser images from Debian packages (no registry needed)
	bash docker/argus/build.sh
	bash docker/postgres/build.sh

compose-smoke: ## bring compose.yaml up with the local images, check /readyz and the workers, take it down
	bash scripts/compose-smoke.sh

# The docker provider's tests need the browser image; without a Docker
# engine they skip, and there is nothing to build.
docker-browser-image:
	@if docker version >/dev/null 2>&1; then bash docker/browser/build.sh; else echo "no Docker engine: docker browser tests will be skipped"; fi

clean:
	rm -rf bin out
