"""Shared by the fixture generators (tools/make_fixtures.py, tools/make_nn_fixtures.py):
float64 torch with a seeded generator, inputs rounded to float32 so that stn reads exactly
the values used here, and tensors written as Lua tables the specs read as plain Lua."""
import torch

torch.set_default_dtype(torch.float64)


def f32(t):
    """Rounded to float32, so that stn's inputs are exactly the ones used here."""
    return t.float().double()


def seeded_rand(seed):
    """A rand(*sizes, lo=-1, hi=1) drawing uniform float32-exact values from its own seed."""
    gen = torch.Generator().manual_seed(seed)

    def rand(*sizes, lo=-1.0, hi=1.0):
        return f32(torch.rand(*sizes, generator=gen) * (hi - lo) + lo)
    return rand


def lua_tensor(t):
    t = t.detach().contiguous()
    sizes = ", ".join(str(s) for s in t.shape)
    data = ", ".join("%.9g" % v for v in t.reshape(-1).tolist())  # float32 round-trips
    return "{ sizes = { %s }, data = { %s } }" % (sizes, data)


def lua_value(v, digits=9):
    """v as a Lua literal: a bool, number or string as itself, a torch tensor or numpy array
    as lua_tensor writes it, with `digits` significant digits (17: float64 round-trips)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return '"%s"' % v
    t = torch.as_tensor(v).detach().contiguous()
    sizes = ", ".join(str(s) for s in t.shape)
    data = ", ".join("%.*g" % (digits, x) for x in t.reshape(-1).tolist())
    return "{ sizes = { %s }, data = { %s } }" % (sizes, data)
