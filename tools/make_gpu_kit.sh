#!/bin/sh
# Packs what the GPU machines lack (LuaJIT, busted and the Lua modules it needs, giflib) into
# .tools/ (git-ignored), to be sent along with the device tool's `carry` option.
# tools/gpu_check.sh uses it when luajit/busted are not installed there.
set -e
cd "$(dirname "$0")/.."
rm -rf .tools
mkdir -p .tools/bin .tools/share .tools/lib
cp -L /usr/bin/luajit .tools/bin/luajit
cp -rL /usr/share/lua/5.1/. .tools/share/
cp -rL /usr/lib/x86_64-linux-gnu/lua/5.1/. .tools/lib/
cp /usr/bin/busted .tools/busted.lua
# giflib (the GPU image has libpng but not giflib): its header and library, for the
# GIF animations of main.lua --viz; gpu_check.sh points CMake at them
mkdir -p .tools/giflib
cp /usr/include/gif_lib.h .tools/giflib/
cp -L /usr/lib/x86_64-linux-gnu/libgif.so.7 .tools/giflib/
cat > .tools/bin/busted <<'SH'
#!/bin/sh
here=$(cd "$(dirname "$0")/.." && pwd)
export LUA_PATH="./lua/?.lua;./lua/?/init.lua;./spec/?.lua;$here/share/?.lua;$here/share/?/init.lua;;"
export LUA_CPATH="$here/lib/?.so;;"
exec "$here/bin/luajit" "$here/busted.lua" "$@"
SH
chmod +x .tools/bin/busted
du -sh .tools
