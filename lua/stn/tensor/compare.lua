-- Torch7's x:equal(y): true when x and y have the same sizes and equal elements (a NaN
-- equals nothing, so a tensor with a NaN never equals itself, as in Torch7). x and y must
-- have one element type (Torch7's equal takes two tensors of one type).
local Tensor = require 'stn.Tensor'
local P = Tensor._private
local fail, is_tensor = P.fail, P.is_tensor

function Tensor.equal(t, other)
  local what = 'Tensor:equal'
  if not is_tensor(other) then fail(what, ('argument 1: expected a tensor, got %s'):format(type(other))) end
  if t.device ~= other.device then
    fail(what, ('the tensors are on different devices (%s and %s)'):format(t:type(), other:type()))
  end
  if not t:isSameSizeAs(other) then return false end
  if t:nElement() == 0 then return true end
  -- ne gives a ByteTensor; counted as float, where the sum is defined on every device
  return t:ne(other):float():sum() == 0
end

return Tensor
