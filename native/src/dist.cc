// Process groups for data-parallel training: libtorch's own c10d (TCPStore rendezvous and the
// Gloo backend), so a kensa rank speaks the same wire protocol as a torch.distributed rank.
//
// Rendezvous follows torch.distributed.init_process_group('gloo') of PyTorch 1.13 step by step
// (TCPStore that waits for every worker; the store prefixed "default_pg", then the group's name
// "0"; Gloo's full-mesh connect; the store-based barrier on key "store_based_barrier_key:1"; the
// group's sequence number), so kensa and PyTorch ranks can join one group.
//
// Collectives are asynchronous: the collective is enqueued on the main thread (Gloo requires the
// same order on every rank) and its Work is waited for on a libuv worker thread, so the event
// loop keeps running. A timeout or a dead peer comes back as a rejected Promise (a JS Error).
// The gradient reducer (all-reduce overlapped with backward) and side groups are in reducer.cc;
// the group struct they share is in dist-group.h.
// Without the Gloo headers (KENSA_DIST undefined) only distAvailable() is exported, returning false.

#include <napi.h>

#ifdef KENSA_DIST
#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/functions/utils.h>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "dist-group.h"
#include "handles.h"
#endif

namespace kensa {

#ifndef KENSA_DIST

void registerDist(Napi::Env env, Napi::Object exports) {
  exports.Set("distAvailable", Napi::Function::New(env, [](const Napi::CallbackInfo& info) -> Napi::Value {
    return Napi::Boolean::New(info.Env(), false);
  }, "distAvailable"));
}

#else

namespace {

std::vector<at::Tensor> tensorList(const Napi::CallbackInfo& info, size_t i, const char* what) {
  Napi::Env env = info.Env();
  if (info.Length() <= i || !info[i].IsArray()) throw Napi::TypeError::New(env, std::string(what) + ": expected an array of tensors");
  Napi::Array a = info[i].As<Napi::Array>();
  std::vector<at::Tensor> out;
  out.reserve(a.Length());
  for (uint32_t k = 0; k < a.Length(); ++k) {
    at::Tensor t = unwrapTensor(env, a.Get(k), what);
    if (!t.is_cpu() && !t.is_cuda()) throw Napi::Error::New(env, std::string(what) + ": tensors must be on the CPU or a CUDA device");
    if (t.is_sparse()) throw Napi::Error::New(env, std::string(what) + ": sparse tensors are not supported");
    if (k > 0 && t.scalar_type() != out[0].scalar_type()) throw Napi::TypeError::New(env, std::string(what) + ": every tensor must have one dtype");
    out.push_back(t);
  }
  if (out.empty()) throw Napi::TypeError::New(env, std::string(what) + ": no tensors given");
  return out;
}

// Several tensors travel as one flat buffer (one collective per bucket, not per tensor); a
// single contiguous tensor is used in place.
struct Bucket {
  std::vector<at::Tensor> tensors;
  at::Tensor flat;
  bool direct = false;

  explicit Bucket(std::vector<at::Tensor> ts) : tensors(std::move(ts)) {
    at::NoGradGuard ng;
    if (tensors.size() == 1 && tensors[0].is_contiguous()) {
      flat = tensors[0];
      direct = true;
    } else {
      std::vector<at::Tensor> views;
      views.reserve(tensors.size());
      for (const auto& t : tensors) views.push_back(t.detach().reshape({-1}));
      flat = at::cat(views);
    }
  }
  void scatterBack() {
    if (direct) return;
    at::NoGradGuard ng;
    int64_t off = 0;
    for (auto& t : tensors) {
      int64_t n = t.numel();
      t.detach().copy_(flat.narrow(0, off, n).view(t.sizes()));
      off += n;
    }
  }
};

// Waits for a c10d Work on a worker thread, then finishes (on that thread) and resolves.
class WorkWaiter : public Napi::AsyncWorker {
 public:
  using Finish = std::function<void()>;
  using Result = std::function<Napi::Value(Napi::Env)>;
  WorkWaiter(Napi::Env env, const char* what, GroupRef g, c10::intrusive_ptr<c10d::Work> work, Finish finish, Result result)
      : Napi::AsyncWorker(env),
        deferred_(Napi::Promise::Deferred::New(env)),
        what_(what),
        group_(std::move(g)),
        work_(std::move(work)),
        finish_(std::move(finish)),
        result_(std::move(result)) {}
  Napi::Promise Promise() { return deferred_.Promise(); }

 protected:
  void Execute() override {
    try {
      work_->wait(group_->timeout);
      if (finish_) finish_();
    } catch (const std::exception& e) {
      SetError(errorText(what_, e));
    } catch (...) {
      SetError(std::string(what_) + ": unknown failure");
    }
  }
  void OnOK() override {
    try {
      deferred_.Resolve(result_ ? result_(Env()) : Env().Undefined());
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    }
    release();
  }
  void OnError(const Napi::Error& e) override {
    release();
    deferred_.Reject(e.Value());
  }

 private:
  void release() {
    finish_ = nullptr;
    result_ = nullptr;
    work_.reset();
  }
  Napi::Promise::Deferred deferred_;
  const char* what_;
  GroupRef group_;
  c10::intrusive_ptr<c10d::Work> work_;
  Finish finish_;
  Result result_;
};

Napi::Value resolveWith(Napi::Env env, const char* what, GroupRef g, c10::intrusive_ptr<c10d::Work> work,
                        WorkWaiter::Finish finish, WorkWaiter::Result result) {
  auto* w = new WorkWaiter(env, what, std::move(g), std::move(work), std::move(finish), std::move(result));
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

c10d::ReduceOp reduceOpOf(Napi::Env env, const Napi::Value& v, bool* average) {
  std::string op = v.IsString() ? v.As<Napi::String>().Utf8Value() : "sum";
  *average = false;
  if (op == "sum") return c10d::ReduceOp::SUM;
  if (op == "avg") {  // Gloo has no AVG: sum, then divide by the world size
    *average = true;
    return c10d::ReduceOp::SUM;
  }
  if (op == "max") return c10d::ReduceOp::MAX;
  if (op == "min") return c10d::ReduceOp::MIN;
  if (op == "product") return c10d::ReduceOp::PRODUCT;
  throw Napi::TypeError::New(env, "allReduce: op must be sum, avg, max, min or product, got '" + op + "'");
}

// ---- rendezvous ---------------------------------------------------------------------------

struct InitOptions {
  std::string host;
  int port = 29500;
  int rank = 0;
  int size = 1;
  std::chrono::milliseconds timeout{1800000};
  std::string iface;  // GLOO_SOCKET_IFNAME
};

GroupRef initGroup(const InitOptions& o) {
  c10d::TCPStoreOptions so;
  so.port = static_cast<std::uint16_t>(o.port);
  so.isServer = o.rank == 0;
  so.numWorkers = static_cast<std::size_t>(o.size);
  so.waitWorkers = true;
  so.timeout = o.timeout;
  so.multiTenant = true;
  auto tcp = c10::make_intrusive<c10d::TCPStore>(o.host, so);
  tcp->setTimeout(o.timeout);
  c10::intrusive_ptr<c10d::Store> defaultStore = c10::make_intrusive<c10d::PrefixStore>("default_pg", tcp);
  c10::intrusive_ptr<c10d::Store> groupStore = c10::make_intrusive<c10d::PrefixStore>("0", defaultStore);

  auto pg = c10::make_intrusive<c10d::ProcessGroupGloo>(groupStore, o.rank, o.size, glooOptions(o.timeout, o.iface));

  // torch.distributed's store-based barrier after creating the default group (_group_count == 1).
  const std::string key = "store_based_barrier_key:1";
  defaultStore->add(key, 1);
  auto start = std::chrono::steady_clock::now();
  while (defaultStore->add(key, 0) != o.size) {
    if (std::chrono::steady_clock::now() - start > o.timeout) {
      throw std::runtime_error("timed out in the store-based barrier (world size " + std::to_string(o.size) + ")");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  pg->setSequenceNumberForGroup();

  auto g = std::make_shared<DistGroup>();
  g->store = tcp;
  g->pg = pg;
  g->rank = o.rank;
  g->size = o.size;
  g->timeout = o.timeout;
  g->iface = o.iface;
  return g;
}

class InitWorker : public Napi::AsyncWorker {
 public:
  InitWorker(Napi::Env env, InitOptions o) : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), o_(std::move(o)) {}
  Napi::Promise Promise() { return deferred_.Promise(); }

 protected:
  void Execute() override {
    try {
      group_ = initGroup(o_);
    } catch (const std::exception& e) {
      SetError(errorText(("init (" + o_.host + ":" + std::to_string(o_.port) + ", rank " + std::to_string(o_.rank) + " of " + std::to_string(o_.size) + ")").c_str(), e));
    }
  }
  void OnOK() override {
    auto* box = new GroupBox{group_};
    group_.reset();
    deferred_.Resolve(Napi::External<GroupBox>::New(Env(), box, [](Napi::Env, GroupBox* b) { delete b; }));
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  InitOptions o_;
  GroupRef group_;
};

// distInit({ host, port, rank, worldSize, timeoutMs }) -> Promise<group>
Napi::Value DistInit(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) throw Napi::TypeError::New(env, "distInit: expected an options object");
  Napi::Object a = info[0].As<Napi::Object>();
  auto num = [&](const char* k, double def) -> double {
    Napi::Value v = a.Get(k);
    if (v.IsUndefined()) return def;
    if (!v.IsNumber()) throw Napi::TypeError::New(env, std::string("distInit: ") + k + " must be a number");
    return v.As<Napi::Number>().DoubleValue();
  };
  InitOptions o;
  Napi::Value host = a.Get("host");
  if (!host.IsString()) throw Napi::TypeError::New(env, "distInit: host must be a string");
  o.host = host.As<Napi::String>().Utf8Value();
  o.port = static_cast<int>(num("port", 29500));
  o.rank = static_cast<int>(num("rank", 0));
  o.size = static_cast<int>(num("worldSize", 1));
  o.timeout = std::chrono::milliseconds(static_cast<int64_t>(num("timeoutMs", 1800000)));
  if (o.port < 1 || o.port > 65535) throw Napi::RangeError::New(env, "distInit: port must be in 1..65535, got " + std::to_string(o.port));
  if (o.size < 1) throw Napi::RangeError::New(env, "distInit: worldSize must be at least 1");
  if (o.rank < 0 || o.rank >= o.size) throw Napi::RangeError::New(env, "distInit: rank " + std::to_string(o.rank) + " is outside 0.." + std::to_string(o.size - 1));
  if (o.timeout.count() < 1) throw Napi::RangeError::New(env, "distInit: timeoutMs must be positive");
  Napi::Value iface = a.Get("iface");
  if (iface.IsString()) o.iface = iface.As<Napi::String>().Utf8Value();
  auto* w = new InitWorker(env, std::move(o));
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

// ---- collectives --------------------------------------------------------------------------

// distAllReduce(group, tensors, op) -> Promise<void>: in place; several tensors as one bucket.
Napi::Value DistAllReduce(const Napi::CallbackInfo& info) {
  return guardedDist(info, "allReduce", [&]() -> Napi::Value {
    GroupRef g = groupOf(info, "allReduce");
    bool average = false;
    c10d::ReduceOp op = reduceOpOf(info.Env(), info[2], &average);
    auto bucket = std::make_shared<Bucket>(tensorList(info, 1, "allReduce"));
    std::vector<at::Tensor> io{bucket->flat};
    c10d::AllreduceOptions ao;
    ao.reduceOp = op;
    auto work = g->pg->allreduce(io, ao);
    int size = g->size;
    return resolveWith(info.Env(), "allReduce", g, work, [bucket, average, size]() {
      if (average) {
        at::NoGradGuard ng;
        bucket->flat.div_(size);
      }
      bucket->scatterBack();
    }, nullptr);
  });
}

// distAllReduceSync(group, tensors, op): the same, waiting on the calling thread (for a
// synchronous optimizer step; the event loop is blocked meanwhile).
Napi::Value DistAllReduceSync(const Napi::CallbackInfo& info) {
  return guardedDist(info, "allReduce", [&]() -> Napi::Value {
    GroupRef g = groupOf(info, "allReduce");
    bool average = false;
    c10d::ReduceOp op = reduceOpOf(info.Env(), info[2], &average);
    Bucket bucket(tensorList(info, 1, "allReduce"));
    std::vector<at::Tensor> io{bucket.flat};
    c10d::AllreduceOptions ao;
    ao.reduceOp = op;
    auto work = g->pg->allreduce(io, ao);
    work->wait(g->timeout);
    if (average) {
      at::NoGradGuard ng;
      bucket.flat.div_(g->size);
    }
    bucket.scatterBack();
    return info.Env().Undefined();
  });
}

// ---- a differentiable all-reduce (for synchronised batch norm) -----------------------------
//
// y = sum over ranks of x; its gradient is again a sum over ranks of dy (every rank's loss
// depends on every rank's x through y). The engine has no custom-function mechanism in
// TypeScript, so the backward is an autograd Node here. Both directions wait on the calling
// thread (forward: the module's forward; backward: libtorch's autograd engine), in the same
// order on every rank because every rank runs the same graph.

at::Tensor allReduceSumNow(const GroupRef& g, const at::Tensor& x) {
  at::NoGradGuard ng;
  at::Tensor buf = x.detach().clone().contiguous();
  std::vector<at::Tensor> io{buf};
  c10d::AllreduceOptions ao;
  ao.reduceOp = c10d::ReduceOp::SUM;
  g->pg->allreduce(io, ao)->wait(g->timeout);
  return buf;
}

struct AllReduceSumBackward : public torch::autograd::Node {
  GroupRef group;
  std::vector<int64_t> sizes;
  at::TensorOptions options;
  torch::autograd::variable_list apply(torch::autograd::variable_list&& grads) override {
    // an undefined incoming gradient still takes part (the other ranks wait for this one)
    at::Tensor gy = grads.empty() || !grads[0].defined() ? at::zeros(sizes, options) : grads[0];
    return {allReduceSumNow(group, gy)};
  }
  std::string name() const override { return "AllReduceSumBackward"; }
};

// distAllReduceDiff(group, tensor) -> tensor: a new tensor, the sum over ranks, differentiable.
Napi::Value DistAllReduceDiff(const Napi::CallbackInfo& info) {
  return guardedDist(info, "allReduceDifferentiable", [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    GroupRef g = groupOf(info, "allReduceDifferentiable");
    if (info.Length() < 2) throw Napi::TypeError::New(env, "allReduceDifferentiable: expected a tensor");
    at::Tensor x = unwrapTensor(env, info[1], "allReduceDifferentiable");
    if (!at::isFloatingType(x.scalar_type())) throw Napi::TypeError::New(env, "allReduceDifferentiable: expected a floating-point tensor");
    at::Tensor y = allReduceSumNow(g, x);
    if (torch::autograd::compute_requires_grad(x)) {
      auto fn = std::shared_ptr<AllReduceSumBackward>(new AllReduceSumBackward(), torch::autograd::deleteNode);
      fn->group = g;
      fn->sizes = x.sizes().vec();
      fn->options = x.options();
      fn->set_next_edges(torch::autograd::collect_next_edges(x));
      torch::autograd::set_history(y, fn);
    }
    return wrapTensor(env, y);
  });
}

// distBroadcast(group, tensors, root) -> Promise<void>: rank root's values into every rank's tensors.
Napi::Value DistBroadcast(const Napi::CallbackInfo& info) {
  return guardedDist(info, "broadcast", [&]() -> Napi::Value {
    GroupRef g = groupOf(info, "broadcast");
    auto bucket = std::make_shared<Bucket>(tensorList(info, 1, "broadcast"));
    int root = info.Length() > 2 && info[2].IsNumber() ? info[2].As<Napi::Number>().Int32Value() : 0;
    if (root < 0 || root >= g->size) throw Napi::RangeError::New(info.Env(), "broadcast: root " + std::to_string(root) + " is outside 0.." + std::to_string(g->size - 1));
    std::vector<at::Tensor> io{bucket->flat};
    c10d::BroadcastOptions bo;
    bo.rootRank = root;
    bo.rootTensor = 0;
    auto work = g->pg->broadcast(io, bo);
    return resolveWith(info.Env(), "broadcast", g, work, [bucket]() { bucket->scatterBack(); }, nullptr);
  });
}

// distAllGather(group, tensor) -> Promise<tensor[]>: every rank's tensor, in rank order.
Napi::Value DistAllGather(const Napi::CallbackInfo& info) {
  return guardedDist(info, "allGather", [&]() -> Napi::Value {
    GroupRef g = groupOf(info, "allGather");
    if (info.Length() < 2) throw Napi::TypeError::New(info.Env(), "allGather: expected a tensor");
    at::Tensor input = unwrapTensor(info.Env(), info[1], "allGather").detach().contiguous();
    auto outputs = std::make_shared<std::vector<std::vector<at::Tensor>>>(1);
    for (int r = 0; r < g->size; ++r) (*outputs)[0].push_back(at::empty_like(input));
    std::vector<at::Tensor> in{input};
    auto work = g->pg->allgather(*outputs, in);
    return resolveWith(info.Env(), "allGather", g, work, nullptr, [outputs, in](Napi::Env env) -> Napi::Value {
      const auto& outs = (*outputs)[0];
      Napi::Array a = Napi::Array::New(env, outs.size());
      for (size_t r = 0; r < outs.size(); ++r) a.Set(static_cast<uint32_t>(r), wrapTensor(env, outs[r]));
      return a;
    });
  });
}

// distBarrier(group) -> Promise<void>
Napi::Value DistBarrier(const Napi::CallbackInfo& info) {
  return guardedDist(info, "barrier", [&]() -> Napi::Value {
    GroupRef g = groupOf(info, "barrier");
    auto work = g->pg->barrier();
    return resolveWith(info.Env(), "barrier", g, work, nullptr, nullptr);
  });
}

// distDestroy(group): releases this handle's share (pending collectives keep theirs).
Napi::Value DistDestroy(const Napi::CallbackInfo& info) {
  if (info.Length() >= 1 && info[0].IsExternal()) info[0].As<Napi::External<GroupBox>>().Data()->group.reset();
  return info.Env().Undefined();
}

Napi::Value DistInfo(const Napi::CallbackInfo& info) {
  GroupRef g = groupOf(info, "distInfo");
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("rank", Napi::Number::New(info.Env(), g->rank));
  o.Set("worldSize", Napi::Number::New(info.Env(), g->size));
  o.Set("backend", Napi::String::New(info.Env(), "gloo"));
  return o;
}

}  // namespace

void registerDist(Napi::Env env, Napi::Object exports) {
#define KENSA_DIST_FN(name, fn) exports.Set(name, Napi::Function::New(env, fn, name))
  exports.Set("distAvailable", Napi::Function::New(env, [](const Napi::CallbackInfo& info) -> Napi::Value {
    return Napi::Boolean::New(info.Env(), true);
  }, "distAvailable"));
  KENSA_DIST_FN("distInit", DistInit);
  KENSA_DIST_FN("distAllReduce", DistAllReduce);
  KENSA_DIST_FN("distAllReduceSync", DistAllReduceSync);
  KENSA_DIST_FN("distAllReduceDiff", DistAllReduceDiff);
  KENSA_DIST_FN("distBroadcast", DistBroadcast);
  KENSA_DIST_FN("distAllGather", DistAllGather);
  KENSA_DIST_FN("distBarrier", DistBarrier);
  KENSA_DIST_FN("distDestroy", DistDestroy);
  KENSA_DIST_FN("distInfo", DistInfo);
#undef KENSA_DIST_FN
  registerReducer(env, exports);
}

#endif  // KENSA_DIST

}  // namespace kensa
