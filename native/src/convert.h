// JS values to IValues by an operator's schema (defaults filled in), and results back to JS.
#pragma once

#include <ATen/ATen.h>
#include <ATen/core/dispatch/Dispatcher.h>
#include <napi.h>
#include <cmath>
#include <string>
#include <vector>
#include "handles.h"
#include "op-table.h"

namespace kensa {

// ---------------------------------------------------------------------------------------------
// JS -> IValue by schema type.
inline c10::IValue toIValue(Napi::Env env, const Napi::Value& v, const c10::TypePtr& type,
                            const c10::Argument& arg, const std::string& opName);

// Names an operator argument in error messages ("aten::add.Tensor(other)"); the text is built only
// when an error is thrown, so converting an argument allocates nothing.
struct ArgName {
  const std::string& op;
  const c10::Argument& arg;
  std::string str() const { return op + "(" + arg.name() + ")"; }
};
inline std::string operator+(const ArgName& a, const char* s) { return a.str() + s; }
inline std::string ctxText(const std::string& s) { return s; }
inline std::string ctxText(const char* s) { return s; }
inline std::string ctxText(const ArgName& a) { return a.str(); }

template <typename Ctx>
inline int64_t toInt(Napi::Env env, const Napi::Value& v, const Ctx& ctx) {
  napi_valuetype type = napi_undefined;
  napi_typeof(env, v, &type);
  if (type == napi_number) {
    double d = v.As<Napi::Number>().DoubleValue();
    if (d != static_cast<double>(static_cast<int64_t>(d))) {
      throw Napi::TypeError::New(env, ctxText(ctx) + ": expected an integer, got " + std::to_string(d));
    }
    return static_cast<int64_t>(d);
  }
  if (type == napi_bigint) {
    bool lossless = true;
    return v.As<Napi::BigInt>().Int64Value(&lossless);
  }
  if (type == napi_boolean) return v.As<Napi::Boolean>().Value() ? 1 : 0;
  throw Napi::TypeError::New(env, ctxText(ctx) + ": expected an integer");
}

template <typename Ctx>
inline double toDouble(Napi::Env env, const Napi::Value& v, const Ctx& ctx) {
  napi_valuetype type = napi_undefined;
  napi_typeof(env, v, &type);
  if (type == napi_number) return v.As<Napi::Number>().DoubleValue();
  if (type == napi_boolean) return v.As<Napi::Boolean>().Value() ? 1.0 : 0.0;
  throw Napi::TypeError::New(env, ctxText(ctx) + ": expected a number");
}

inline c10::IValue toIValue(Napi::Env env, const Napi::Value& v, const c10::TypePtr& type,
                            const c10::Argument& arg, const std::string& opName) {
  const ArgName ctx{opName, arg};
  switch (type->kind()) {
    case c10::TypeKind::OptionalType: {
      if (v.IsUndefined() || v.IsNull()) return c10::IValue();
      return toIValue(env, v, type->castRaw<c10::OptionalType>()->getElementType(), arg, opName);
    }
    case c10::TypeKind::TensorType:
      return c10::IValue(unwrapTensorWith(env, v, [&]() { return ctx.str(); }));
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
          for (uint32_t i = 0; i < len; ++i) out.push_back(unwrapTensorWith(env, a.Get(i), [&]() { return ctx.str(); }));
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
                out.push_back(unwrapTensorWith(env, x, [&]() { return ctx.str(); }));
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

// Appends the arguments from JS values info[first..] to stack, filling defaults.
inline void buildStackInto(const Napi::CallbackInfo& info, size_t first, OpEntry* e, torch::jit::Stack& stack) {
  Napi::Env env = info.Env();
  const auto& args = e->handle.schema().arguments();
  size_t given = info.Length() - first;
  if (given > args.size()) {
    throw Napi::TypeError::New(env, e->name + ": expected at most " + std::to_string(args.size()) +
                                        " arguments, got " + std::to_string(given));
  }
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
}

// A new argument stack (for calls that keep it, e.g. on a worker thread).
inline torch::jit::Stack buildStack(const Napi::CallbackInfo& info, size_t first, OpEntry* e) {
  torch::jit::Stack stack;
  buildStackInto(info, first, e, stack);
  return stack;
}

// IValue -> JS.
inline Napi::Value fromIValue(Napi::Env env, const c10::IValue& v) {
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
inline Napi::Value convertResults(Napi::Env env, OpEntry* e, torch::jit::Stack& stack) {
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

}  // namespace kensa
