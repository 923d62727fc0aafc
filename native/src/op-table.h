// The operator table: ATen operators looked up once by schema name and handed to JS as ids.
#pragma once

#include <ATen/core/dispatch/Dispatcher.h>
#include <napi.h>
#include <atomic>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>
#include "handles.h"

namespace kensa {

// ---------------------------------------------------------------------------------------------
// Operator table: ids handed to JS, shared by all threads.
struct OpEntry {
  c10::OperatorHandle handle;
  std::string name;
  std::vector<bool> returnWrites;  // return i aliases a written input
};
// Ids index a fixed array that only grows (entries are never moved or freed), so a call reads its
// operator without taking a lock; registering a new operator takes g_opsMutex.
constexpr size_t kMaxOps = 1 << 16;
inline std::mutex g_opsMutex;
inline std::atomic<OpEntry*> g_ops[kMaxOps];
inline std::atomic<size_t> g_opCount{0};

inline OpEntry* opById(Napi::Env env, const Napi::Value& v) {
  napi_valuetype type = napi_undefined;
  napi_typeof(env, v, &type);
  if (type != napi_number) throw Napi::TypeError::New(env, "op id must be a number");
  int64_t id = v.As<Napi::Number>().Int64Value();
  if (id < 0 || id >= static_cast<int64_t>(g_opCount.load(std::memory_order_acquire))) {
    throw Napi::RangeError::New(env, "unknown op id " + std::to_string(id));
  }
  return g_ops[id].load(std::memory_order_relaxed);
}

// op(name, overload) -> id
inline Napi::Value Op(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    std::string name = info[0].As<Napi::String>();
    std::string overload = info.Length() > 1 && info[1].IsString() ? info[1].As<Napi::String>().Utf8Value() : "";
    auto h = c10::Dispatcher::singleton().findSchema({name, overload});
    if (!h.has_value()) {
      throw Napi::Error::New(env, "no operator " + name + (overload.empty() ? "" : "." + overload) +
                                      " in this libtorch");
    }
    auto* e = new OpEntry{*h, name + (overload.empty() ? "" : "." + overload), {}};
    for (const auto& r : h->schema().returns()) {
      e->returnWrites.push_back(r.alias_info() != nullptr && r.alias_info()->isWrite());
    }
    std::lock_guard<std::mutex> lock(g_opsMutex);
    size_t id = g_opCount.load(std::memory_order_relaxed);
    if (id >= kMaxOps) {
      delete e;
      throw Napi::RangeError::New(env, "op: more than " + std::to_string(kMaxOps) + " operators registered");
    }
    g_ops[id].store(e, std::memory_order_relaxed);
    g_opCount.store(id + 1, std::memory_order_release);
    return Napi::Number::New(env, static_cast<double>(id));
  });
}

inline Napi::Value Schema(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    OpEntry* e = opById(info.Env(), info[0]);
    std::ostringstream s;
    s << e->handle.schema();
    return Napi::String::New(info.Env(), s.str());
  });
}


// returns(opId) -> one kind per return: "tensor", "tensors", "self" (a written input) or "other"
inline Napi::Value Returns(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    OpEntry* e = opById(env, info[0]);
    const auto& rets = e->handle.schema().returns();
    Napi::Array a = Napi::Array::New(env, rets.size());
    for (size_t i = 0; i < rets.size(); ++i) {
      const char* kind = "other";
      auto k = rets[i].type()->kind();
      if (e->returnWrites[i]) kind = "self";
      else if (k == c10::TypeKind::TensorType) kind = "tensor";
      else if (k == c10::TypeKind::ListType &&
               rets[i].type()->castRaw<c10::ListType>()->getElementType()->kind() == c10::TypeKind::TensorType) kind = "tensors";
      a.Set(static_cast<uint32_t>(i), Napi::String::New(env, kind));
    }
    return a;
  });
}

}  // namespace kensa
