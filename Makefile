# The user's entry points. Every target installs what is missing first (make deps).
#   make          build libstn in-tree (build/stn/core.so)
#   make test     run the spec suite under LuaJIT (busted)
#   make demo     the main job
#   make install  luarocks make into the system tree
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

.PHONY: all build test demo install deps clean

all: build

deps:
	@PACKAGES="$(PACKAGES)" sh tools/install_deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

test: build
	busted --lua=luajit $(BUSTED_FLAGS) spec

demo: build
	@PACKAGES="$(DEMO_PACKAGES)" sh tools/install_deps.sh
	luajit examples/gtsrb/demo.lua demo-output

install: deps
	luarocks --lua-version=5.1 make stn-scm-1.rockspec LUA_INCDIR=/usr/include/luajit-2.1 $(ROCKS_FLAGS)

clean:
	rm -rf $(BUILD)
