package = "stn"
version = "scm-1"
source = { url = "git+https://github.com/stn-lua/stn.git" }
description = {
  summary = "Spatial Transformer Networks for LuaJIT, in C and CUDA, in the style of Torch7",
  detailed = [[
    A small Torch7-style tensor and nn core with the spatial transformer modules
    (affine grid generators, bilinear samplers, transform restriction) on CPU and CUDA.
  ]],
  license = "BSD-3-Clause",
}
dependencies = { "lua ~> 5.1" }
build = {
  type = "cmake",
  variables = {
    CMAKE_BUILD_TYPE = "Release",
    LUADIR = "$(LUADIR)",
    LIBDIR = "$(LIBDIR)",
  },
}
