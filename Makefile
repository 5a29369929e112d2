# medcnn: the two commands README opens with, and their parts.
#   make demo   install missing packages, build, run `medcnn demo` on phantoms
#   make test   install missing packages, build, run every test through CTest
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_ARGS ?=

.PHONY: deps configure build demo test clean

deps:
	bash scripts/install-deps

configure:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_ARGS)

build: deps configure
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	$(BUILD)/bin/medcnn demo --out demo-output

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 900

clean:
	rm -rf $(BUILD)
