// kensa native addon: libtorch tensors with autograd for Node.js.
//
// Design: instead of one hand-written binding per op, every ATen operator is reached through
// c10's dispatcher by its schema name ("aten::conv2d") and called boxed. JavaScript arguments are
// converted to IValues by reading the operator's schema, so the whole ATen surface (with autograd,
// since boxed calls go through the Autograd dispatch key) is available from TypeScript. Hand-written
// entry points exist only for what is not an operator: data in/out, autograd control, seeds,
// threads and memory accounting.
//
// Every entry point catches c10::Error and std::exception and rethrows them as JS Errors, so a
// libtorch failure (e.g. a shape mismatch) never aborts the process.

#include <ATen/ATen.h>
#include <ATen/core/dispatch/Dispatcher.h>
#include <ATen/core/grad_mode.h>
#include <ATen/Parallel.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/version.h>
#include <napi.h>
#include <cmath>
#include <sstream>

#include <atomic>
#include <cstring>
#include <mutex>
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

static InstanceData* data(Napi::Env env) { return env.GetInstanceData<InstanceData>(); }

static Napi::Value wrapTensor(Napi::Env env, at::Tensor t) {
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

static at::Tensor& unwrapTensor(Napi::Env env, const Napi::Value& v, const char* what) {
  if (!v.IsNumber()) {
    throw Napi::TypeError::New(env, std::string(what) + ": expected a tensor");
  }
  InstanceData* d = data(env);
  int64_t id = v.As<Napi::Number>().Int64Value();
  if (id < 0 || id >= static_cast<int64_t>(d->table.size()) || !d->table[id].defined()) {
    throw Napi::Error::New(env, std::string(what) + ": tensor was disposed");
  }
  return d->table[id];
}

static void releaseTensor(Napi::Env env, int64_t id) {
  InstanceData* d = data(env);
  if (id < 0 || id >= static_cast<int64_t>(d->table.size()) || !d->table[id].defined()) return;
  d->table[id] = at::Tensor();
  d->freeList.push_back(static_cast<int32_t>(id));
  d->live -= 1;
}

// Runs fn, converting libtorch and standard exceptions into JS errors.
template <typename F>
static Napi::Value guarded(const Napi::CallbackInfo& info, F&& fn) {
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

// ---------------------------------------------------------------------------------------------
// Operator table: ids handed to JS, shared by all threads.
struct OpEntry {
  c10::OperatorHandle handle;
  std::string name;
  std::vector<bool> returnWrites;  // return i aliases a written input
};
static std::mutex g_opsMutex;
static std::vector<OpEntry*> g_ops;

static OpEntry* opById(Napi::Env env, const Napi::Value& v) {
  if (!v.IsNumber()) throw Napi::TypeError::New(env, "op id must be a number");
  int64_t id = v.As<Napi::Number>().Int64Value();
  std::lock_guard<std::mutex> lock(g_opsMutex);
  if (id < 0 || id >= static_cast<int64_t>(g_ops.size())) {
    throw Napi::RangeError::New(env, "unknown op id " + std::to_string(id));
  }
  return g_ops[id];
}

// op(name, overload) -> id
static Napi::Value Op(const Napi::CallbackInfo& info) {
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
    g_ops.push_back(e);
    return Napi::Number::New(env, static_cast<double>(g_ops.size() - 1));
  });
}

static Napi::Value Schema(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    OpEntry* e = opById(info.Env(), info[0]);
    std::ostringstream s;
    s << e->handle.schema();
    return Napi::String::New(info.Env(), s.str());
  });
}

// ---------------------------------------------------------------------------------------------
// JS -> IValue by schema type.
static c10::IValue toIValue(Napi::Env env, const Napi::Value& v, const c10::TypePtr& type,
                            const c10::Argument& arg, const std::string& opName);

static std::string argContext(const std::string& opName, const c10::Argument& arg) {
  return opName + "(" + arg.name() + ")";
}

static int64_t toInt(Napi::Env env, const Napi::Value& v, const std::string& ctx) {
  if (v.IsNumber()) {
    double d = v.As<Napi::Number>().DoubleValue();
    if (d != static_cast<double>(static_cast<int64_t>(d))) {
      throw Napi::TypeError::New(env, ctx + ": expected an integer, got " + std::to_string(d));
    }
    return static_cast<int64_t>(d);
  }
  if (v.IsBigInt()) {
    bool lossless = true;
    return v.As<Napi::BigInt>().Int64Value(&lossless);
  }
  if (v.IsBoolean()) return v.As<Napi::Boolean>().Value() ? 1 : 0;
  throw Napi::TypeError::New(env, ctx + ": expected an integer");
}

static double toDouble(Napi::Env env, const Napi::Value& v, const std::string& ctx) {
  if (v.IsNumber()) return v.As<Napi::Number>().DoubleValue();
  if (v.IsBoolean()) return v.As<Napi::Boolean>().Value() ? 1.0 : 0.0;
  throw Napi::TypeError::New(env, ctx + ": expected a number");
}

static c10::IValue toIValue(Napi::Env env, const Napi::Value& v, const c10::TypePtr& type,
                            const c10::Argument& arg, const std::string& opName) {
  const std::string ctx = argContext(opName, arg);
  switch (type->kind()) {
    case c10::TypeKind::OptionalType: {
      if (v.IsUndefined() || v.IsNull()) return c10::IValue();
      return toIValue(env, v, type->castRaw<c10::OptionalType>()->getElementType(), arg, opName);
    }
    case c10::TypeKind::TensorType:
      return c10::IValue(unwrapTensor(env, v, ctx.c_str()));
    case c10::TypeKind::IntType:
    case c10::TypeKind::SymIntType:
    case c10::TypeKind::ScalarTypeType:
    case c10::TypeKind::LayoutType:
    case c10::TypeKind::MemoryFormatType:
      return c10::IValue(toInt(env, v, ctx));
    case c10::TypeKind::FloatType:
      return c10::IValue(toDouble(env, v, ctx));
    case c10::TypeKind::BoolType:
      if (!v.IsBoolean()) throw Napi::TypeError::New(env, ctx + ": expected a boolean");
      return c10::IValue(v.As<Napi::Boolean>().Value());
    case c10::TypeKind::NumberType: {  // Scalar: integers stay integral, like Python ints.
      if (v.IsBoolean()) return c10::IValue(v.As<Napi::Boolean>().Value());
      if (v.IsBigInt()) return c10::IValue(toInt(env, v, ctx));
      double d = toDouble(env, v, ctx);
      if (std::isfinite(d) && d == static_cast<double>(static_cast<int64_t>(d)) &&
          std::fabs(d) < 9.007199254740992e15) {
        return c10::IValue(static_cast<int64_t>(d));
      }
      return c10::IValue(d);
    }
    case c10::TypeKind::StringType:
      if (!v.IsString()) throw Napi::TypeError::New(env, ctx + ": expected a string");
      return c10::IValue(v.As<Napi::String>().Utf8Value());
    case c10::TypeKind::DeviceObjType:
      if (!v.IsString()) throw Napi::TypeError::New(env, ctx + ": expected a device string");
      return c10::IValue(c10::Device(v.As<Napi::String>().Utf8Value()));
    case c10::TypeKind::GeneratorType:
      throw Napi::TypeError::New(env, ctx + ": explicit generators are not supported; use the global seed");
    case c10::TypeKind::ListType: {
      auto elem = type->castRaw<c10::ListType>()->getElementType();
      auto n = arg.N();
      if (!v.IsArray()) {
        // int[2] etc. accept a single value that is repeated, as PyTorch does.
        if (n.has_value() && (elem->kind() == c10::TypeKind::IntType || elem->kind() == c10::TypeKind::SymIntType ||
                              elem->kind() == c10::TypeKind::BoolType || elem->kind() == c10::TypeKind::FloatType)) {
          if (elem->kind() == c10::TypeKind::BoolType) {
            c10::List<bool> l;
            for (int i = 0; i < *n; ++i) l.push_back(v.As<Napi::Boolean>().Value());
            return c10::IValue(l);
          }
          if (elem->kind() == c10::TypeKind::FloatType) {
            return c10::IValue(std::vector<double>(*n, toDouble(env, v, ctx)));
          }
          return c10::IValue(std::vector<int64_t>(*n, toInt(env, v, ctx)));
        }
        throw Napi::TypeError::New(env, ctx + ": expected an array");
      }
      Napi::Array a = v.As<Napi::Array>();
      uint32_t len = a.Length();
      switch (elem->kind()) {
        case c10::TypeKind::IntType:
        case c10::TypeKind::SymIntType: {
          std::vector<int64_t> out(len);
          for (uint32_t i = 0; i < len; ++i) out[i] = toInt(env, a.Get(i), ctx);
          return c10::IValue(out);
        }
        case c10::TypeKind::FloatType: {
          std::vector<double> out(len);
          for (uint32_t i = 0; i < len; ++i) out[i] = toDouble(env, a.Get(i), ctx);
          return c10::IValue(out);
        }
        case c10::TypeKind::BoolType: {
          c10::List<bool> out;
          for (uint32_t i = 0; i < len; ++i) out.push_back(a.Get(i).As<Napi::Boolean>().Value());
          return c10::IValue(out);
        }
        case c10::TypeKind::TensorType: {
          std::vector<at::Tensor> out;
          out.reserve(len);
          for (uint32_t i = 0; i < len; ++i) out.push_back(unwrapTensor(env, a.Get(i), ctx.c_str()));
          return c10::IValue(out);
        }
        case c10::TypeKind::OptionalType: {
          auto inner = elem->castRaw<c10::OptionalType>()->getElementType();
          if (inner->kind() == c10::TypeKind::TensorType) {
            c10::List<c10::optional<at::Tensor>> out;
            for (uint32_t i = 0; i < len; ++i) {
              Napi::Value x = a.Get(i);
              if (x.IsUndefined() || x.IsNull()) {
                out.push_back(c10::nullopt);
              } else {
                out.push_back(unwrapTensor(env, x, ctx.c_str()));
              }
            }
            return c10::IValue(out);
          }
          break;
        }
        default:
          break;
      }
      throw Napi::TypeError::New(env, ctx + ": unsupported list type " + type->str());
    }
    default:
      throw Napi::TypeError::New(env, ctx + ": unsupported argument type " + type->str());
  }
}

// Builds the argument stack from JS values info[first..], filling defaults.
static torch::jit::Stack buildStack(const Napi::CallbackInfo& info, size_t first, OpEntry* e) {
  Napi::Env env = info.Env();
  const auto& args = e->handle.schema().arguments();
  size_t given = info.Length() - first;
  if (given > args.size()) {
    throw Napi::TypeError::New(env, e->name + ": expected at most " + std::to_string(args.size()) +
                                        " arguments, got " + std::to_string(given));
  }
  torch::jit::Stack stack;
  stack.reserve(args.size());
  for (size_t i = 0; i < args.size(); ++i) {
    Napi::Value v = i < given ? info[first + i] : env.Undefined();
    if (v.IsUndefined()) {
      const auto& def = args[i].default_value();
      if (def.has_value()) {
        stack.push_back(*def);
        continue;
      }
      if (args[i].type()->kind() == c10::TypeKind::OptionalType) {
        stack.emplace_back();
        continue;
      }
      throw Napi::TypeError::New(env, e->name + ": missing argument '" + args[i].name() + "'");
    }
    stack.push_back(toIValue(env, v, args[i].type(), args[i], e->name));
  }
  return stack;
}

// IValue -> JS.
static Napi::Value fromIValue(Napi::Env env, const c10::IValue& v) {
  if (v.isTensor()) {
    const at::Tensor& t = v.toTensor();
    if (!t.defined()) return env.Null();
    return wrapTensor(env, t);
  }
  if (v.isNone()) return env.Undefined();
  if (v.isInt()) return Napi::Number::New(env, static_cast<double>(v.toInt()));
  if (v.isDouble()) return Napi::Number::New(env, v.toDouble());
  if (v.isBool()) return Napi::Boolean::New(env, v.toBool());
  if (v.isScalar()) return Napi::Number::New(env, v.toScalar().toDouble());
  if (v.isString()) return Napi::String::New(env, v.toStringRef());
  if (v.isTensorList()) {
    auto l = v.toTensorList();
    Napi::Array a = Napi::Array::New(env, l.size());
    for (size_t i = 0; i < l.size(); ++i) a.Set(i, wrapTensor(env, l.get(i)));
    return a;
  }
  if (v.isTuple()) {
    const auto& elems = v.toTupleRef().elements();
    Napi::Array a = Napi::Array::New(env, elems.size());
    for (size_t i = 0; i < elems.size(); ++i) a.Set(i, fromIValue(env, elems[i]));
    return a;
  }
  if (v.isIntList()) {
    auto l = v.toIntVector();
    Napi::Array a = Napi::Array::New(env, l.size());
    for (size_t i = 0; i < l.size(); ++i) a.Set(i, Napi::Number::New(env, static_cast<double>(l[i])));
    return a;
  }
  if (v.isList()) {
    auto l = v.toListRef();
    Napi::Array a = Napi::Array::New(env, l.size());
    for (size_t i = 0; i < l.size(); ++i) a.Set(i, fromIValue(env, l[i]));
    return a;
  }
  throw Napi::TypeError::New(env, "unsupported return type " + v.tagKind());
}

// Converts results; a return that aliases a written input comes back as undefined (the
// TypeScript side hands back its own argument object instead of a second handle).
static Napi::Value convertResults(Napi::Env env, OpEntry* e, torch::jit::Stack& stack) {
  auto one = [&](size_t i) -> Napi::Value {
    if (i < e->returnWrites.size() && e->returnWrites[i]) return env.Undefined();
    return fromIValue(env, stack[i]);
  };
  if (stack.size() == 1) return one(0);
  if (stack.empty()) return env.Undefined();
  Napi::Array a = Napi::Array::New(env, stack.size());
  for (size_t i = 0; i < stack.size(); ++i) a.Set(i, one(i));
  return a;
}

// call(opId, ...args)
static Napi::Value Call(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    OpEntry* e = opById(env, info[0]);
    torch::jit::Stack stack = buildStack(info, 1, e);
    e->handle.callBoxed(stack);
    return convertResults(env, e, stack);
  });
}

// callAsync(opId, ...args) -> Promise: the op runs on a libuv worker thread.
class CallWorker : public Napi::AsyncWorker {
 public:
  CallWorker(Napi::Env env, OpEntry* e, torch::jit::Stack stack)
      : Napi::AsyncWorker(env),
        deferred_(Napi::Promise::Deferred::New(env)),
        entry_(e),
        stack_(std::move(stack)),
        gradEnabled_(at::GradMode::is_enabled()) {}
  Napi::Promise Promise() { return deferred_.Promise(); }

 protected:
  void Execute() override {
    try {
      at::AutoGradMode mode(gradEnabled_);
      entry_->handle.callBoxed(stack_);
    } catch (const c10::Error& e) {
      SetError(e.what_without_backtrace());
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }
  void OnOK() override {
    try {
      deferred_.Resolve(convertResults(Env(), entry_, stack_));
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    }
    stack_.clear();
  }
  void OnError(const Napi::Error& e) override {
    stack_.clear();
    deferred_.Reject(e.Value());
  }

 private:
  Napi::Promise::Deferred deferred_;
  OpEntry* entry_;
  torch::jit::Stack stack_;
  bool gradEnabled_;
};

static Napi::Value CallAsync(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    OpEntry* e = opById(env, info[0]);
    torch::jit::Stack stack = buildStack(info, 1, e);
    auto* w = new CallWorker(env, e, std::move(stack));
    auto p = w->Promise();
    w->Queue();
    return p;
  });
}

// ---------------------------------------------------------------------------------------------
// Data in and out.

// fromBuffer(typedArrayOrBuffer, shape[], dtype) -> tensor (copies)
static Napi::Value FromBuffer(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    const uint8_t* data = nullptr;
    size_t bytes = 0;
    if (info[0].IsTypedArray()) {
      auto ta = info[0].As<Napi::TypedArray>();
      data = static_cast<const uint8_t*>(ta.ArrayBuffer().Data()) + ta.ByteOffset();
      bytes = ta.ByteLength();
    } else if (info[0].IsBuffer()) {
      auto b = info[0].As<Napi::Buffer<uint8_t>>();
      data = b.Data();
      bytes = b.Length();
    } else if (info[0].IsArrayBuffer()) {
      auto b = info[0].As<Napi::ArrayBuffer>();
      data = static_cast<const uint8_t*>(b.Data());
      bytes = b.ByteLength();
    } else {
      throw Napi::TypeError::New(env, "fromBuffer: expected a typed array or buffer");
    }
    Napi::Array shapeArr = info[1].As<Napi::Array>();
    std::vector<int64_t> shape(shapeArr.Length());
    int64_t numel = 1;
    for (uint32_t i = 0; i < shapeArr.Length(); ++i) {
      shape[i] = toInt(env, shapeArr.Get(i), "fromBuffer(shape)");
      if (shape[i] < 0) throw Napi::RangeError::New(env, "fromBuffer: negative dimension");
      numel *= shape[i];
    }
    auto dtype = static_cast<at::ScalarType>(toInt(env, info[2], "fromBuffer(dtype)"));
    size_t need = static_cast<size_t>(numel) * c10::elementSize(dtype);
    if (need != bytes) {
      throw Napi::RangeError::New(env, "fromBuffer: shape needs " + std::to_string(need) + " bytes, data has " +
                                           std::to_string(bytes));
    }
    at::Tensor t = at::empty(shape, at::TensorOptions().dtype(dtype));
    if (need > 0) std::memcpy(t.data_ptr(), data, need);
    return wrapTensor(env, t);
  });
}

// toBuffer(tensor) -> ArrayBuffer with the contiguous CPU bytes
static Napi::Value ToBuffer(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    at::Tensor t = unwrapTensor(env, info[0], "toBuffer");
    at::Tensor c = t.detach().to(at::kCPU).contiguous();
    size_t bytes = c.numel() * c.element_size();
    Napi::ArrayBuffer buf = Napi::ArrayBuffer::New(env, bytes);
    if (bytes > 0) std::memcpy(buf.Data(), c.data_ptr(), bytes);
    return buf;
  });
}

// ---------------------------------------------------------------------------------------------
// Tensor facts and autograd.
static Napi::Value Info(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    at::Tensor& t = unwrapTensor(env, info[0], "info");
    Napi::Object o = Napi::Object::New(env);
    Napi::Array shape = Napi::Array::New(env, t.dim());
    for (int64_t i = 0; i < t.dim(); ++i) shape.Set(static_cast<uint32_t>(i), Napi::Number::New(env, static_cast<double>(t.size(i))));
    o.Set("shape", shape);
    o.Set("dtype", Napi::Number::New(env, static_cast<int>(t.scalar_type())));
    o.Set("device", Napi::String::New(env, t.device().str()));
    o.Set("requiresGrad", Napi::Boolean::New(env, t.requires_grad()));
    return o;
  });
}

static Napi::Value Shape(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    at::Tensor& t = unwrapTensor(env, info[0], "shape");
    Napi::Array shape = Napi::Array::New(env, t.dim());
    for (int64_t i = 0; i < t.dim(); ++i) shape.Set(static_cast<uint32_t>(i), Napi::Number::New(env, static_cast<double>(t.size(i))));
    return shape;
  });
}

static Napi::Value Dtype(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    return Napi::Number::New(info.Env(), static_cast<int>(unwrapTensor(info.Env(), info[0], "dtype").scalar_type()));
  });
}

static Napi::Value DeviceOf(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    return Napi::String::New(info.Env(), unwrapTensor(info.Env(), info[0], "device").device().str());
  });
}

static Napi::Value RequiresGrad(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    return Napi::Boolean::New(info.Env(), unwrapTensor(info.Env(), info[0], "requiresGrad").requires_grad());
  });
}

static Napi::Value IsLeaf(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    return Napi::Boolean::New(info.Env(), unwrapTensor(info.Env(), info[0], "isLeaf").is_leaf());
  });
}

static Napi::Value Item(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    at::Tensor& t = unwrapTensor(info.Env(), info[0], "item");
    at::Scalar s = t.item();
    if (s.isBoolean()) return Napi::Boolean::New(info.Env(), s.toBool());
    return Napi::Number::New(info.Env(), s.toDouble());
  });
}

static Napi::Value Dispose(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsNumber()) throw Napi::TypeError::New(env, "dispose: expected a tensor handle");
  releaseTensor(env, info[0].As<Napi::Number>().Int64Value());
  return env.Undefined();
}

// backward(tensor, grad|undefined, retainGraph, createGraph)
static Napi::Value Backward(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    at::Tensor& t = unwrapTensor(env, info[0], "backward");
    at::Tensor g;
    if (info.Length() > 1 && !info[1].IsUndefined() && !info[1].IsNull()) g = unwrapTensor(env, info[1], "backward(grad)");
    bool retain = info.Length() > 2 && info[2].IsBoolean() && info[2].As<Napi::Boolean>().Value();
    bool create = info.Length() > 3 && info[3].IsBoolean() && info[3].As<Napi::Boolean>().Value();
    t.backward(g, retain, create);
    return env.Undefined();
  });
}

static Napi::Value Grad(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    const at::Tensor& g = unwrapTensor(env, info[0], "grad").grad();
    if (!g.defined()) return env.Undefined();
    return wrapTensor(env, g);
  });
}

// setGrad(tensor, grad|undefined)
static Napi::Value SetGrad(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    at::Tensor& t = unwrapTensor(env, info[0], "setGrad");
    if (info.Length() > 1 && !info[1].IsUndefined() && !info[1].IsNull()) {
      t.mutable_grad() = unwrapTensor(env, info[1], "setGrad(grad)");
    } else {
      t.mutable_grad() = at::Tensor();
    }
    return env.Undefined();
  });
}

static Napi::Value RetainGrad(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    unwrapTensor(info.Env(), info[0], "retainGrad").retain_grad();
    return info.Env().Undefined();
  });
}

static Napi::Value SetRequiresGrad(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    unwrapTensor(info.Env(), info[0], "requiresGrad_").requires_grad_(info[1].As<Napi::Boolean>().Value());
    return info[0];
  });
}

static std::vector<at::Tensor> tensorArray(Napi::Env env, const Napi::Value& v, const char* what, bool allowHoles) {
  std::vector<at::Tensor> out;
  if (v.IsUndefined() || v.IsNull()) return out;
  Napi::Array a = v.As<Napi::Array>();
  for (uint32_t i = 0; i < a.Length(); ++i) {
    Napi::Value x = a.Get(i);
    if (allowHoles && (x.IsUndefined() || x.IsNull())) {
      out.emplace_back();
    } else {
      out.push_back(unwrapTensor(env, x, what));
    }
  }
  return out;
}

// autogradGrad(outputs[], inputs[], gradOutputs[]|undefined, retainGraph, createGraph, allowUnused)
static Napi::Value AutogradGrad(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    auto outputs = tensorArray(env, info[0], "grad(outputs)", false);
    auto inputs = tensorArray(env, info[1], "grad(inputs)", false);
    auto gradOutputs = tensorArray(env, info[2], "grad(gradOutputs)", true);
    c10::optional<bool> retain;
    if (info[3].IsBoolean()) retain = info[3].As<Napi::Boolean>().Value();
    bool create = info[4].IsBoolean() && info[4].As<Napi::Boolean>().Value();
    bool allowUnused = info[5].IsBoolean() && info[5].As<Napi::Boolean>().Value();
    auto grads = torch::autograd::grad(outputs, inputs, gradOutputs, retain, create, allowUnused);
    Napi::Array a = Napi::Array::New(env, grads.size());
    for (size_t i = 0; i < grads.size(); ++i) {
      a.Set(static_cast<uint32_t>(i), grads[i].defined() ? Napi::Value(wrapTensor(env, grads[i])) : env.Undefined());
    }
    return a;
  });
}

static Napi::Value SetGradEnabled(const Napi::CallbackInfo& info) {
  bool prev = at::GradMode::is_enabled();
  at::GradMode::set_enabled(info[0].As<Napi::Boolean>().Value());
  return Napi::Boolean::New(info.Env(), prev);
}

static Napi::Value IsGradEnabled(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), at::GradMode::is_enabled());
}

// ---------------------------------------------------------------------------------------------
// Process-wide settings.
static Napi::Value ManualSeed(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    at::manual_seed(static_cast<uint64_t>(toInt(info.Env(), info[0], "manualSeed")));
    return info.Env().Undefined();
  });
}

static Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    int64_t n = toInt(info.Env(), info[0], "setNumThreads");
    if (n < 1) throw Napi::RangeError::New(info.Env(), "setNumThreads: need at least 1 thread");
    at::set_num_threads(static_cast<int>(n));
    return info.Env().Undefined();
  });
}

static Napi::Value GetNumThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), at::get_num_threads());
}

static Napi::Value CudaDeviceCount(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    if (!at::hasCUDA()) return Napi::Number::New(info.Env(), 0);
    return Napi::Number::New(info.Env(), static_cast<double>(at::getNumGPUs()));
  });
}

static Napi::Value LiveTensors(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(data(info.Env())->live));
}

// returns(opId) -> one kind per return: "tensor", "tensors", "self" (a written input) or "other"
static Napi::Value Returns(const Napi::CallbackInfo& info) {
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

static Napi::Value Version(const Napi::CallbackInfo& info) {
  std::string v = std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." + std::to_string(TORCH_VERSION_PATCH);
  return Napi::String::New(info.Env(), v);
}

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  env.SetInstanceData<InstanceData>(new InstanceData());
#define KENSA_FN(name, fn) exports.Set(name, Napi::Function::New(env, fn, name))
  KENSA_FN("op", Op);
  KENSA_FN("schema", Schema);
  KENSA_FN("call", Call);
  KENSA_FN("callAsync", CallAsync);
  KENSA_FN("fromBuffer", FromBuffer);
  KENSA_FN("toBuffer", ToBuffer);
  KENSA_FN("info", Info);
  KENSA_FN("shape", Shape);
  KENSA_FN("dtype", Dtype);
  KENSA_FN("device", DeviceOf);
  KENSA_FN("requiresGrad", RequiresGrad);
  KENSA_FN("setRequiresGrad", SetRequiresGrad);
  KENSA_FN("isLeaf", IsLeaf);
  KENSA_FN("item", Item);
  KENSA_FN("dispose", Dispose);
  KENSA_FN("returns", Returns);
  KENSA_FN("backward", Backward);
  KENSA_FN("grad", Grad);
  KENSA_FN("setGrad", SetGrad);
  KENSA_FN("retainGrad", RetainGrad);
  KENSA_FN("autogradGrad", AutogradGrad);
  KENSA_FN("setGradEnabled", SetGradEnabled);
  KENSA_FN("isGradEnabled", IsGradEnabled);
  KENSA_FN("manualSeed", ManualSeed);
  KENSA_FN("setNumThreads", SetNumThreads);
  KENSA_FN("getNumThreads", GetNumThreads);
  KENSA_FN("cudaDeviceCount", CudaDeviceCount);
  KENSA_FN("liveTensors", LiveTensors);
  KENSA_FN("version", Version);
#undef KENSA_FN
  return exports;
}

}  // namespace kensa

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return kensa::Init(env, exports); }
NODE_API_MODULE(kensa_native, InitModule)
