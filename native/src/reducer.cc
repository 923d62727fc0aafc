// Gradient all-reduce overlapped with backward, for data-parallel training (the idea of c10d's
// Reducer behind PyTorch's DDP; written for kensa, whose optimizer step is synchronous).
//
// The parameters come in buckets (lists, in the order their gradients are expected: the last
// layers first). A post-hook on every parameter's gradient accumulator marks it ready while the
// reducer is armed (TypeScript arms it in optimizer.zeroGrad()); when every expected parameter of
// the next bucket in order is ready, the hook copies the bucket's gradients into one flat buffer
// and starts Gloo's asynchronous all-reduce on it, so the collective runs while backward goes on.
// Buckets are started strictly in order (bucket k+1 waits for k), so every rank issues the same
// collectives in the same order. finish() (before the optimizer step, on the calling thread)
// starts the buckets still waiting, waits for all of them, divides by the world size and copies
// the averages back into the parameters' .grad.
//
// "Expected": every parameter in the first step; afterwards, those whose hook fired in the
// previous step, so parameters that a model never uses do not hold their bucket back. A bucket
// started before one of its parameters turned up (or a parameter ready twice: two backwards
// before one step) is redone by finish() from the current .grad of every bucket. All of this
// assumes what plain data-parallel training assumes anyway: every rank runs the same backward
// passes, so the same hooks fire in the same order. Parameters without a gradient at finish() are
// sent as zeros and keep no gradient. Failures inside a hook (a dead peer, a bad gradient) are
// recorded and thrown by finish() as one-line JS errors.
#include <napi.h>

#ifdef KENSA_DIST
#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>
#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/function_hook.h>
#include <torch/csrc/autograd/variable.h>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>

#include <algorithm>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "dist-group.h"
#include "handles.h"

namespace kensa {
namespace {

namespace ag = torch::autograd;

struct ReducerBucket {
  std::vector<size_t> params;  // indices into Reducer::params, in buffer order
  at::Tensor flat;             // [sum of numels]
  c10::intrusive_ptr<c10d::Work> work;
  size_t pending = 0;  // expected parameters not ready yet
  bool launched = false;
};

struct Reducer {
  GroupRef group;
  std::vector<at::Tensor> params;
  std::vector<size_t> bucketOf;
  std::vector<std::shared_ptr<ag::Node>> accumulators;  // kept alive: the hooks live on them
  std::vector<uintptr_t> hookKeys;
  std::vector<ReducerBucket> buckets;
  std::vector<char> ready, expected;
  size_t next = 0;  // the next bucket to start
  bool armed = false;
  bool redo = false;
  std::string error;  // the first failure, thrown by finish()
  std::mutex mu;
  // statistics: totals, and the last finished step's split
  int64_t steps = 0, hookLaunches = 0, finishLaunches = 0, redos = 0, ignored = 0, lastHook = 0, lastFinish = 0, stepHook = 0;

  // "allReduce: gradient bucket k of n: <c10d's message>" (k = 0 for a failure outside a bucket)
  void fail(size_t bucket, const std::exception& e) {
    if (!error.empty()) return;
    std::string what = "allReduce: gradients";
    if (bucket > 0) what = "allReduce: gradient bucket " + std::to_string(bucket) + " of " + std::to_string(buckets.size());
    error = errorText(what.c_str(), e);
  }

  // copies the bucket's gradients (zeros where none) into its buffer and starts the all-reduce
  void launch(size_t b) {
    ReducerBucket& bk = buckets[b];
    bk.launched = true;
    if (!error.empty()) return;
    try {
      at::NoGradGuard ng;
      int64_t off = 0;
      for (size_t i : bk.params) {
        const at::Tensor& p = params[i];
        int64_t n = p.numel();
        at::Tensor slot = bk.flat.narrow(0, off, n);
        const at::Tensor& g = p.grad();
        if (!g.defined()) {
          slot.zero_();
        } else {
          if (g.is_sparse()) throw std::runtime_error("parameter " + std::to_string(i) + " has a sparse gradient (not supported)");
          slot.view(p.sizes()).copy_(g);
        }
        off += n;
      }
      std::vector<at::Tensor> io{bk.flat};
      c10d::AllreduceOptions ao;
      ao.reduceOp = c10d::ReduceOp::SUM;
      bk.work = group->pg->allreduce(io, ao);
    } catch (const std::exception& e) {
      fail(b + 1, e);
    }
  }

  void launchReadyInOrder() {
    while (next < buckets.size() && buckets[next].pending == 0) {
      launch(next++);
      ++stepHook;
    }
  }

  // the post-hook of parameter i's gradient accumulator (on the autograd thread)
  void markReady(size_t i) {
    std::lock_guard<std::mutex> lock(mu);
    if (!armed) {
      ++ignored;
      return;
    }
    if (ready[i] || buckets[bucketOf[i]].launched) redo = true;  // the buffer sent holds an older value
    bool was = ready[i];
    ready[i] = 1;
    if (redo) return;
    if (!was && expected[i]) --buckets[bucketOf[i]].pending;
    launchReadyInOrder();
  }

  void waitAll() {
    for (size_t b = 0; b < buckets.size(); ++b) {
      ReducerBucket& bk = buckets[b];
      if (!bk.work) continue;
      try {
        bk.work->wait(group->timeout);
      } catch (const std::exception& e) {
        fail(b + 1, e);
      }
      bk.work.reset();
    }
  }

  // a fresh step: nothing ready, every expected parameter pending (started buckets are waited
  // for first: the other ranks started them too)
  void reset() {
    waitAll();
    std::fill(ready.begin(), ready.end(), 0);
    for (auto& bk : buckets) {
      bk.launched = false;
      bk.pending = 0;
      for (size_t i : bk.params) bk.pending += expected[i] ? 1 : 0;
    }
    next = 0;
    redo = false;
    stepHook = 0;
  }

  void arm() {
    std::lock_guard<std::mutex> lock(mu);
    reset();
    armed = true;
  }

  // throws std::runtime_error with the recorded failure
  void finish() {
    std::lock_guard<std::mutex> lock(mu);
    int64_t byFinish = 0;
    if (!redo) {
      while (next < buckets.size()) {
        launch(next++);
        ++byFinish;
      }
    }
    waitAll();
    int64_t byHook = stepHook;
    if (redo && error.empty()) {
      ++redos;
      byHook = 0;
      byFinish = static_cast<int64_t>(buckets.size());
      for (size_t b = 0; b < buckets.size(); ++b) launch(b);
      waitAll();
    }
    if (error.empty()) {
      try {
        at::NoGradGuard ng;
        for (auto& bk : buckets) {
          bk.flat.div_(group->size);
          int64_t off = 0;
          for (size_t i : bk.params) {
            at::Tensor& p = params[i];
            int64_t n = p.numel();
            if (p.grad().defined()) p.mutable_grad().copy_(bk.flat.narrow(0, off, n).view(p.sizes()));
            off += n;
          }
        }
      } catch (const std::exception& e) {
        fail(0, e);
      }
    }
    bool any = std::any_of(ready.begin(), ready.end(), [](char c) { return c != 0; });
    if (any) expected.assign(ready.begin(), ready.end());
    ++steps;
    hookLaunches += byHook;
    finishLaunches += byFinish;
    lastHook = byHook;
    lastFinish = byFinish;
    armed = false;
    reset();
    if (!error.empty()) throw std::runtime_error(error);
  }

  void destroy() {
    std::lock_guard<std::mutex> lock(mu);
    armed = false;
    for (size_t i = 0; i < accumulators.size(); ++i) {
      if (accumulators[i]) accumulators[i]->del_post_hook(hookKeys[i]);
    }
    accumulators.clear();
    hookKeys.clear();
  }
};

struct ReadyHook : public ag::FunctionPostHook {
  std::weak_ptr<Reducer> reducer;
  size_t index;
  ReadyHook(std::weak_ptr<Reducer> r, size_t i) : reducer(std::move(r)), index(i) {}
  ag::variable_list operator()(const ag::variable_list& outputs, const ag::variable_list& /*inputs*/) override {
    if (auto r = reducer.lock()) r->markReady(index);
    return outputs;
  }
};

struct ReducerBox {
  std::shared_ptr<Reducer> r;
};

std::shared_ptr<Reducer> reducerOf(const Napi::CallbackInfo& info, const char* what) {
  if (info.Length() < 1 || !info[0].IsExternal()) throw Napi::TypeError::New(info.Env(), std::string(what) + ": expected a gradient reducer");
  ReducerBox* box = info[0].As<Napi::External<ReducerBox>>().Data();
  if (!box->r) throw Napi::Error::New(info.Env(), std::string(what) + ": the reducer was destroyed");
  return box->r;
}

// distReducerNew(group, buckets: tensor[][]) -> reducer. Every tensor a leaf that requires grad;
// the tensors of one bucket share a dtype and device. Buckets in the order they are to be sent.
Napi::Value DistReducerNew(const Napi::CallbackInfo& info) {
  return guardedDist(info, "gradient reducer", [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    GroupRef g = groupOf(info, "gradient reducer");
    if (info.Length() < 2 || !info[1].IsArray()) throw Napi::TypeError::New(env, "gradient reducer: expected an array of buckets (arrays of parameters)");
    auto r = std::make_shared<Reducer>();
    r->group = g;
    Napi::Array bs = info[1].As<Napi::Array>();
    for (uint32_t b = 0; b < bs.Length(); ++b) {
      Napi::Value v = bs.Get(b);
      if (!v.IsArray() || v.As<Napi::Array>().Length() == 0) throw Napi::TypeError::New(env, "gradient reducer: bucket " + std::to_string(b) + " is not a non-empty array of parameters");
      Napi::Array ps = v.As<Napi::Array>();
      ReducerBucket bk;
      int64_t total = 0;
      for (uint32_t k = 0; k < ps.Length(); ++k) {
        at::Tensor p = unwrapTensor(env, ps.Get(k), "gradient reducer");
        std::string where = "gradient reducer: bucket " + std::to_string(b) + ", parameter " + std::to_string(k);
        if (!p.requires_grad() || !p.is_leaf()) throw Napi::Error::New(env, where + " is not a leaf that requires grad");
        if (!r->params.empty() && k > 0) {
          const at::Tensor& first = r->params[bk.params[0]];
          if (p.scalar_type() != first.scalar_type() || p.device() != first.device()) throw Napi::TypeError::New(env, where + " differs in dtype or device from the bucket's first");
        }
        bk.params.push_back(r->params.size());
        r->bucketOf.push_back(b);
        r->params.push_back(p);
        total += p.numel();
      }
      const at::Tensor& first = r->params[bk.params[0]];
      bk.flat = at::zeros({total}, first.options().requires_grad(false));
      r->buckets.push_back(std::move(bk));
    }
    r->ready.assign(r->params.size(), 0);
    r->expected.assign(r->params.size(), 1);
    r->reset();
    std::weak_ptr<Reducer> weak = r;
    for (size_t i = 0; i < r->params.size(); ++i) {
      std::shared_ptr<ag::Node> acc = ag::impl::grad_accumulator(r->params[i]);
      if (!acc) throw Napi::Error::New(env, "gradient reducer: parameter " + std::to_string(i) + " has no gradient accumulator");
      r->hookKeys.push_back(acc->add_post_hook(std::make_unique<ReadyHook>(weak, i)));
      r->accumulators.push_back(std::move(acc));
    }
    auto* box = new ReducerBox{r};
    return Napi::External<ReducerBox>::New(env, box, [](Napi::Env, ReducerBox* b) {
      if (b->r) b->r->destroy();
      delete b;
    });
  });
}

// distReducerArm(reducer): a new step begins (called from optimizer.zeroGrad()).
Napi::Value DistReducerArm(const Napi::CallbackInfo& info) {
  return guardedDist(info, "allReduce: gradients", [&]() -> Napi::Value {
    reducerOf(info, "allReduce: gradients")->arm();
    return info.Env().Undefined();
  });
}

// distReducerFinish(reducer): averaged gradients in every .grad, or a one-line Error.
Napi::Value DistReducerFinish(const Napi::CallbackInfo& info) {
  std::shared_ptr<Reducer> r = reducerOf(info, "allReduce: gradients");
  try {
    r->finish();
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), e.what());
  }
  return info.Env().Undefined();
}

Napi::Value DistReducerStats(const Napi::CallbackInfo& info) {
  std::shared_ptr<Reducer> r = reducerOf(info, "gradient reducer stats");
  std::lock_guard<std::mutex> lock(r->mu);
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  auto n = [&](const char* k, double v) { o.Set(k, Napi::Number::New(env, v)); };
  n("buckets", static_cast<double>(r->buckets.size()));
  n("params", static_cast<double>(r->params.size()));
  n("steps", static_cast<double>(r->steps));
  n("launchedInBackward", static_cast<double>(r->hookLaunches));
  n("launchedInFinish", static_cast<double>(r->finishLaunches));
  n("lastInBackward", static_cast<double>(r->lastHook));
  n("lastInFinish", static_cast<double>(r->lastFinish));
  n("redone", static_cast<double>(r->redos));
  n("ignoredHooks", static_cast<double>(r->ignored));
  n("expected", static_cast<double>(std::count(r->expected.begin(), r->expected.end(), 1)));
  return o;
}

// distReducerDestroy(reducer): removes the hooks (never during a backward).
Napi::Value DistReducerDestroy(const Napi::CallbackInfo& info) {
  if (info.Length() >= 1 && info[0].IsExternal()) {
    ReducerBox* box = info[0].As<Napi::External<ReducerBox>>().Data();
    if (box->r) box->r->destroy();
    box->r.reset();
  }
  return info.Env().Undefined();
}

// distSideGroup(group, name) -> Promise<group>: a second Gloo group of the same ranks, met
// through the first one's store under the prefix "kensa_side/<name>" (every rank must call it, in
// the same order, with the same name). Its collectives are matched apart from the first group's,
// so the gradient reducer's all-reduces, launched from backward hooks, cannot interleave with
// other collectives of the first group (e.g. synchronised batch norm's, inside the same backward).
class SideWorker : public Napi::AsyncWorker {
 public:
  SideWorker(Napi::Env env, GroupRef g, std::string name) : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), g_(std::move(g)), name_(std::move(name)) {}
  Napi::Promise Promise() { return deferred_.Promise(); }

 protected:
  void Execute() override {
    try {
      auto store = c10::make_intrusive<c10d::PrefixStore>("kensa_side/" + name_, g_->store);
      auto side = std::make_shared<DistGroup>(*g_);
      side->pg = c10::make_intrusive<c10d::ProcessGroupGloo>(store, g_->rank, g_->size, glooOptions(g_->timeout, g_->iface));
      out_ = side;
    } catch (const std::exception& e) {
      SetError(errorText(("side group '" + name_ + "'").c_str(), e));
    }
    g_.reset();
  }
  void OnOK() override {
    auto* box = new GroupBox{out_};
    out_.reset();
    deferred_.Resolve(Napi::External<GroupBox>::New(Env(), box, [](Napi::Env, GroupBox* b) { delete b; }));
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  GroupRef g_;
  std::string name_;
  GroupRef out_;
};

Napi::Value DistSideGroup(const Napi::CallbackInfo& info) {
  GroupRef g = groupOf(info, "sideGroup");
  if (info.Length() < 2 || !info[1].IsString()) throw Napi::TypeError::New(info.Env(), "sideGroup: expected a name");
  auto* w = new SideWorker(info.Env(), g, info[1].As<Napi::String>().Utf8Value());
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

}  // namespace

void registerReducer(Napi::Env env, Napi::Object exports) {
  exports.Set("distSideGroup", Napi::Function::New(env, DistSideGroup, "distSideGroup"));
  exports.Set("distReducerNew", Napi::Function::New(env, DistReducerNew, "distReducerNew"));
  exports.Set("distReducerArm", Napi::Function::New(env, DistReducerArm, "distReducerArm"));
  exports.Set("distReducerFinish", Napi::Function::New(env, DistReducerFinish, "distReducerFinish"));
  exports.Set("distReducerStats", Napi::Function::New(env, DistReducerStats, "distReducerStats"));
  exports.Set("distReducerDestroy", Napi::Function::New(env, DistReducerDestroy, "distReducerDestroy"));
}

}  // namespace kensa

#endif  // KENSA_DIST
