// Tensor handles: integer indices into a per-environment table, and the guard that turns
// libtorch and standard exceptions into JS errors.
#pragma once

#include <ATen/ATen.h>
#include <napi.h>
#include <string>
#include <vector>

namespace kensa {

// ---------------------------------------------------------------------------------------------
// Tensor handles. JavaScript holds a tensor as an integer index into its environment's table.
// (One JS object per tensor with a native finalizer was the first design; Node defers native
// finalizers to the event loop, so a long synchronous training loop piled up millions of pending
// finalizer records. Integer handles are freed by dispose() at once; a JS FinalizationRegistry is
// the safety net for handles a program forgets.)
struct InstanceData {
  std::vector<at::Tensor> table;
  std::vector<int32_t> freeList;
  int64_t live = 0;
};

inline InstanceData* data(Napi::Env env) { return env.GetInstanceData<InstanceData>(); }

inline Napi::Value wrapTensor(Napi::Env env, at::Tensor t) {
  InstanceData* d = data(env);
  int32_t id;
  if (!d->freeList.empty()) {
    id = d->freeList.back();
    d->freeList.pop_back();
    d->table[id] = std::move(t);
  } else {
    id = static_cast<int32_t>(d->table.size());
    d->table.push_back(std::move(t));
  }
  d->live += 1;
  return Napi::Number::New(env, id);
}

// what() names the caller in the error message; it is only called when the handle is bad, so the
// hot path builds no strings.
template <typename What>
inline at::Tensor& unwrapTensorWith(Napi::Env env, const Napi::Value& v, What&& what) {
  napi_valuetype type = napi_undefined;
  napi_typeof(env, v, &type);
  if (type != napi_number) {
    throw Napi::TypeError::New(env, what() + ": expected a tensor");
  }
  InstanceData* d = data(env);
  double raw = v.As<Napi::Number>().DoubleValue();
  if (raw != static_cast<double>(static_cast<int64_t>(raw))) {
    // 1.5 would truncate to handle 1: some other live tensor
    throw Napi::TypeError::New(env, what() + ": expected a tensor handle (an integer)");
  }
  int64_t id = static_cast<int64_t>(raw);
  if (id < 0 || id >= static_cast<int64_t>(d->table.size()) || !d->table[id].defined()) {
    throw Napi::Error::New(env, what() + ": tensor was disposed");
  }
  return d->table[id];
}

inline at::Tensor& unwrapTensor(Napi::Env env, const Napi::Value& v, const char* what) {
  return unwrapTensorWith(env, v, [what]() { return std::string(what); });
}

inline void releaseTensor(Napi::Env env, int64_t id) {
  InstanceData* d = data(env);
  if (id < 0 || id >= static_cast<int64_t>(d->table.size()) || !d->table[id].defined()) return;
  d->table[id] = at::Tensor();
  d->freeList.push_back(static_cast<int32_t>(id));
  d->live -= 1;
}

// Runs fn, converting libtorch and standard exceptions into JS errors.
template <typename F>
inline Napi::Value guarded(const Napi::CallbackInfo& info, F&& fn) {
  Napi::Env env = info.Env();
  try {
    return fn();
  } catch (const Napi::Error&) {
    throw;
  } catch (const c10::Error& e) {
    throw Napi::Error::New(env, e.what_without_backtrace());
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, e.what());
  }
}

}  // namespace kensa
