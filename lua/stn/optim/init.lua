-- stn.optim: optimizers with Torch7 optim's interface, x*, {f(x)} = optim.method(opfunc,
-- x, config, state), where opfunc(x) returns f(x) and df/dx. Each loads on first use.
local optim = {}

return setmetatable(optim, {
  __index = function(t, name)
    if type(name) ~= 'string' or not package.searchpath('stn.optim.' .. name, package.path) then return nil end
    local f = require('stn.optim.' .. name)
    rawset(t, name, f)
    return f
  end,
})
