# The user's entry points. Every target installs what is missing first (make deps).
#   make          build libstn in-tree (build/stn/core.so)
#   make test     the C API test (tests/c_api_test.c), then the spec suite under LuaJIT (busted)
#   make test-sanitize  the same suite against an ASan + UBSan build of libstn (CPU only)
#   make demo     the main job
#   make install  luarocks make into the system tree
#   make fuzz     libFuzzer on every reader of outside bytes, FUZZ_SECONDS (600) each (docs/fuzzing.md)
#   make deps     apt-get install whatever is missing (nothing when all is there)
MAKEFLAGS += --no-print-directory
BUILD ?= build
JOBS ?= $(shell nproc)
LUA_PATH_INTREE := ./lua/?.lua;./lua/?/init.lua;./spec/?.lua;;
export LUA_PATH := $(LUA_PATH_INTREE)
# nvcc is often outside PATH; CMake finds it through CUDACXX
CUDACXX ?= $(firstword $(wildcard $(shell command -v nvcc 2>/dev/null) /usr/local/cuda/bin/nvcc))
export CUDACXX

PACKAGES := cmake gcc g++ make luajit lua-busted lua-penlight lua-cjson libopenblas-dev zlib1g-dev \
            libpng-dev libgif-dev gnuplot-nox luarocks zip unzip
DEMO_PACKAGES := dataset-fashion-mnist
FUZZ_PACKAGES := clang libclang-rt-dev libomp-dev libluajit-5.1-dev
FUZZ_SECONDS ?= 600

.PHONY: all build test test-sanitize demo install deps clean fuzz

all: build

deps:
	@PACKAGES="$(PACKAGES)" sh tools/install_deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

test: build
	$(BUILD)/stn_c_api_test
	busted --lua=luajit $(BUSTED_FLAGS) spec

# LuaJIT is not instrumented, so the sanitizer runtimes are preloaded; any report aborts
# the run (-fno-sanitize-recover), which fails the target. Leak checking is off: LuaJIT
# exits without collecting what it still holds. STN_CORE is absolute: specs run children
# from other folders.
SANITIZE_BUILD ?= build-sanitize
SANITIZE_PRELOAD = $(shell gcc -print-file-name=libasan.so) $(shell gcc -print-file-name=libubsan.so)
test-sanitize: deps
	@cmake -S . -B $(SANITIZE_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTN_CUDA=OFF -DSTN_SANITIZE=ON >/dev/null
	@cmake --build $(SANITIZE_BUILD) -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1 $(SANITIZE_BUILD)/stn_c_api_test
	LD_PRELOAD="$(SANITIZE_PRELOAD)" ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1 \
	  STN_CORE=$(abspath $(SANITIZE_BUILD))/stn/core.so busted --lua=luajit $(BUSTED_FLAGS) spec

demo: build
	@PACKAGES="$(DEMO_PACKAGES)" sh tools/install_deps.sh
	luajit examples/gtsrb/demo.lua demo-output

# FUZZ_HARNESSES: some of them only (tools/fuzz.sh names them); builds in build-fuzz/
fuzz: deps
	@PACKAGES="$(FUZZ_PACKAGES)" sh tools/install_deps.sh
	tools/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_HARNESSES)

install: deps
	@PACKAGES="libluajit-5.1-dev" sh tools/install_deps.sh
	luarocks --lua-version=5.1 make stn-scm-1.rockspec LUA_INCDIR=/usr/include/luajit-2.1 $(ROCKS_FLAGS)

clean:
	rm -rf $(BUILD) $(SANITIZE_BUILD)
