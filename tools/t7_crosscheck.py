"""t7_crosscheck.py: the reader half of the Torch7-file cross-check (see t7_crosscheck.lua).
Reads DIR/net.t7 with torchfile (pip install torchfile), walks the network as Torch7's
parameters() does (modules in order, weight then bias), compares every parameter with
stn's values in DIR/params.bin, and checks DIR/values.t7's plain values and typed tensors.
   python3 tools/t7_crosscheck.py DIR"""
import sys
import numpy as np
import torchfile

d = sys.argv[1]
# (torchfile's list heuristic compares each element with the table by ==, which fails on a
# table of numpy arrays with today's numpy: tables stay dicts keyed 1..n here)
net = torchfile.load(d + '/net.t7', use_list_heuristic=False)

def params(m, out):
    mods = m.modules if hasattr(m, 'modules') and m.modules is not None else None
    if mods is not None:
        for i in range(1, len(mods) + 1):
            params(mods[i], out)
        return out
    for f in (b'weight', b'bias'):
        v = m._obj.get(f)
        if v is not None and isinstance(v, np.ndarray):
            out.append(v)
    return out

got = params(net, [])
shapes = [tuple(int(s) for s in line.split()) for line in open(d + '/params.txt')]
flat = np.fromfile(d + '/params.bin', dtype='<f4')
assert len(got) == len(shapes), (len(got), len(shapes))
off, worst = 0, 0.0
for g, s in zip(got, shapes):
    n = int(np.prod(s))
    want = flat[off:off + n].reshape(s)
    off += n
    assert g.shape == s, (g.shape, s)
    assert g.dtype == np.float32, g.dtype
    worst = max(worst, float(np.abs(g - want).max()) if n else 0.0)
assert off == flat.size
print('net.t7: %s, %d parameter tensors, %d parameters, largest difference %g' % (
    net.torch_typename().decode(), len(got), off, worst))
assert worst == 0.0

v = torchfile.load(d + '/values.t7')
assert v[b'number'] == 2.5 and v[b'text'] == b'hello' and v[b'yes'] is True and v[b'no'] is False
assert list(v[b'list']) == [10, 20, 30]  # (torchfile turns a 1..n table into a list)
x, view = v[b'double'], v[b'view']
assert x.dtype == np.float64 and x.shape == (3, 4) and np.array_equal(view, x[:, 1:3])
assert v[b'long'].tolist() == [-3, 2 ** 40, 7] and v[b'int'].tolist() == [1, -2]
assert v[b'byte'].tolist() == [0, 255] and v[b'char'].tolist() == [-128, 127] and v[b'short'].tolist() == [-300, 300]
print('values.t7: numbers, strings, booleans, table, Double/Long/Int/Byte/Char/Short tensors and a view: equal')
