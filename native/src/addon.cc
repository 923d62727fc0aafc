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
//
// Pieces: handles.h (tensor handle table, error guard), op-table.h (operator ids), convert.h
// (JS <-> IValue by schema). They are headers of this one translation unit, because each unit that
// includes ATen costs ~20 s to compile.

#include <ATen/ATen.h>
#include <ATen/core/dispatch/Dispatcher.h>
#include <ATen/core/grad_mode.h>
#include <ATen/Parallel.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/version.h>
#include <napi.h>

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>
#include <dlfcn.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "handles.h"
#include "op-table.h"
#include "convert.h"

namespace kensa {

void registerDist(Napi::Env env, Napi::Object exports);  // dist.cc: process groups (c10d Gloo)

// call(opId, ...args). The argument stack is one per thread, emptied after each call, so a call
// allocates no vector (a synchronous call cannot re-enter: operators never call back into JS).
static Napi::Value Call(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    OpEntry* e = opById(env, info[0]);
    static thread_local torch::jit::Stack stack;
    struct Clear {
      torch::jit::Stack& s;
      ~Clear() { s.clear(); }
    } clear{stack};
    stack.clear();
    buildStackInto(info, 1, e, stack);
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


// ---------------------------------------------------------------------------------------------
// Heap policy. A training step frees most of what it allocated (kensa at the end of each tidy()
// scope), so the free space at the top of glibc's heap then exceeds its trim threshold (dynamic:
// 2x the mmap threshold, at most 64 MiB) and goes back to the OS, and the next step page-faults
// its activations in again, as kernel time inside the first op that writes them (relu, conv).
// M1, 2 threads, 20 steps: 10 577 minor faults and 885 ms CPU a step with glibc's defaults, 103
// and 853 ms with this policy (one process each, load 9; RSS flat over 80 steps). The trim threshold is raised to 1 GiB, so the
// process keeps up to that much freed heap for the next step (as PyTorch's GPU caching allocator
// keeps its blocks); the mmap threshold is fixed at glibc's own dynamic ceiling, 32 MiB, so
// larger blocks are mmapped and unmapped as before (a higher one lets glibc 2.36's memalign
// strand several freed copies of a big tensor in the heap). Off with KENSA_MALLOC_TUNE=0, and
// left alone when GLIBC_TUNABLES sets malloc tunables (the user chose).
static constexpr int kMmapThreshold = 32 << 20;
static constexpr int kTrimThreshold = 1 << 30;
struct HeapPolicy {
  bool tuned = false;
  std::string reason;
};
static HeapPolicy& heapPolicy() {
  static HeapPolicy p;
  static std::once_flag once;
  std::call_once(once, [] {
#if defined(__GLIBC__)
    const char* off = std::getenv("KENSA_MALLOC_TUNE");
    const char* tunables = std::getenv("GLIBC_TUNABLES");
    if (off != nullptr && std::strcmp(off, "0") == 0) p.reason = "KENSA_MALLOC_TUNE=0";
    else if (tunables != nullptr && std::strstr(tunables, "glibc.malloc.") != nullptr) p.reason = "GLIBC_TUNABLES sets malloc tunables";
    else if (mallopt(M_MMAP_THRESHOLD, kMmapThreshold) == 1 && mallopt(M_TRIM_THRESHOLD, kTrimThreshold) == 1) p.tuned = true;
    else p.reason = "mallopt refused";
#else
    p.reason = "not glibc";
#endif
  });
  return p;
}

// mallocPolicy() -> {tuned, mmapThreshold, trimThreshold} or {tuned: false, reason}.
static Napi::Value MallocPolicy(const Napi::CallbackInfo& info) {
  const HeapPolicy& p = heapPolicy();
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("tuned", p.tuned);
  if (p.tuned) {
    o.Set("mmapThreshold", static_cast<double>(kMmapThreshold));
    o.Set("trimThreshold", static_cast<double>(kTrimThreshold));
  } else {
    o.Set("reason", p.reason);
  }
  return o;
}

// BLAS thread policy. Debian's libtorch is linked against OpenBLAS, whose default build
// (libopenblas0-pthread) keeps its own pool of one thread per core beside libtorch's OpenMP
// pool, and its idle threads spin. libtorch already parallelises over OpenMP, so every GEMM
// inside an op then runs with twice as many busy threads as cores: measured on a 2-core VM,
// PyTorch alone on the U-Net step (M2, 2 threads) took 242 ms median (158-455) as installed and
// 142 ms (124-161) with OPENBLAS_NUM_THREADS=1; the mini-VGG 130 -> 118 ms. At load the addon
// therefore sets OpenBLAS to 1 thread, unless the user chose: OPENBLAS_NUM_THREADS or
// GOTO_NUM_THREADS set leaves it as it is, and KENSA_BLAS_THREADS=N sets N (0: leave it).
struct BlasPolicy {
  bool openblas = false;  // OpenBLAS found in the process
  bool set = false;       // the addon set its thread count
  int threads = 0;        // OpenBLAS's thread count now (when found)
  std::string reason;     // why not set
};
static BlasPolicy& blasPolicy() {
  static BlasPolicy p;
  static std::once_flag once;
  std::call_once(once, [] {
    void* lib = nullptr;
    for (const char* name : {"libopenblas.so.0", "libblas.so.3", "libopenblas.so"}) {
      lib = dlopen(name, RTLD_LAZY | RTLD_NOLOAD);
      if (lib != nullptr && dlsym(lib, "openblas_set_num_threads") != nullptr) break;
      if (lib != nullptr) dlclose(lib);
      lib = nullptr;
    }
    if (lib == nullptr) {
      p.reason = "OpenBLAS is not loaded";
      return;
    }
    using SetFn = void (*)(int);
    using GetFn = int (*)();
    auto setFn = reinterpret_cast<SetFn>(dlsym(lib, "openblas_set_num_threads"));
    auto getFn = reinterpret_cast<GetFn>(dlsym(lib, "openblas_get_num_threads"));
    p.openblas = true;
    const char* mine = std::getenv("KENSA_BLAS_THREADS");
    int want = 1;
    if (mine != nullptr && *mine != 0) {
      char* end = nullptr;
      long v = std::strtol(mine, &end, 10);
      if (end == mine || *end != 0 || v < 0 || v > 4096) p.reason = "KENSA_BLAS_THREADS is not a thread count (left as it is)";
      else if (v == 0) p.reason = "KENSA_BLAS_THREADS=0";
      want = static_cast<int>(v);
    } else if (std::getenv("OPENBLAS_NUM_THREADS") != nullptr || std::getenv("GOTO_NUM_THREADS") != nullptr) {
      p.reason = "OPENBLAS_NUM_THREADS or GOTO_NUM_THREADS is set";
    }
    if (p.reason.empty()) {
      setFn(want);
      p.set = true;
    }
    p.threads = getFn != nullptr ? getFn() : (p.set ? want : 0);
  });
  return p;
}

// blasPolicy() -> {openblas, set, threads, reason?}.
static Napi::Value BlasPolicyInfo(const Napi::CallbackInfo& info) {
  const BlasPolicy& p = blasPolicy();
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("openblas", p.openblas);
  o.Set("set", p.set);
  o.Set("threads", static_cast<double>(p.threads));
  if (!p.reason.empty()) o.Set("reason", p.reason);
  return o;
}

static Napi::Value Version(const Napi::CallbackInfo& info) {
  std::string v = std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." + std::to_string(TORCH_VERSION_PATCH);
  return Napi::String::New(info.Env(), v);
}

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  env.SetInstanceData<InstanceData>(new InstanceData());
  heapPolicy();
  blasPolicy();
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
  KENSA_FN("mallocPolicy", MallocPolicy);
  KENSA_FN("blasPolicy", BlasPolicyInfo);
#undef KENSA_FN
  registerDist(env, exports);
  return exports;
}

}  // namespace kensa

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return kensa::Init(env, exports); }
NODE_API_MODULE(kensa_native, InitModule)
