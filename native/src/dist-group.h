// A process-group member shared by dist.cc (rendezvous, collectives) and reducer.cc (gradient
// all-reduce overlapped with backward), and the helpers that turn c10d failures into one-line
// JS errors. Only compiled with the Gloo headers (KENSA_DIST).
#pragma once

#include <napi.h>
#include <ATen/ATen.h>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/Store.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace kensa {

// One member of a process group: the store it met the others through and the Gloo group.
struct DistGroup {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> pg;
  int rank = 0;
  int size = 1;
  std::chrono::milliseconds timeout{0};
  std::string iface;  // GLOO_SOCKET_IFNAME at init ("" = the default device)
};

using GroupRef = std::shared_ptr<DistGroup>;

struct GroupBox {
  GroupRef group;
};

inline std::string errorText(const char* what, const std::exception& e) {
  const auto* c = dynamic_cast<const c10::Error*>(&e);
  std::string msg = c ? c->what_without_backtrace() : e.what();
  // One line: c10 messages may carry a trailing newline or a multi-line context.
  for (char& ch : msg) {
    if (ch == '\n' || ch == '\r') ch = ' ';
  }
  while (!msg.empty() && msg.back() == ' ') msg.pop_back();
  return std::string(what) + ": " + msg;
}

inline GroupRef groupOf(const Napi::CallbackInfo& info, const char* what) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsExternal()) throw Napi::TypeError::New(env, std::string(what) + ": expected a process group");
  GroupBox* box = info[0].As<Napi::External<GroupBox>>().Data();
  if (!box->group) throw Napi::Error::New(env, std::string(what) + ": the process group was destroyed");
  return box->group;
}

// Gloo options for a new group: the interface named at init (or the default device), 2 threads.
inline c10::intrusive_ptr<c10d::ProcessGroupGloo::Options> glooOptions(std::chrono::milliseconds timeout, const std::string& iface) {
  auto opts = c10d::ProcessGroupGloo::Options::create(timeout);
  if (!iface.empty()) {
    opts->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(iface));
  } else {
    opts->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
  }
  opts->threads = 2;
  return opts;
}

// Runs fn, turning any failure into a JS Error whose message starts with `what`.
template <typename F>
Napi::Value guardedDist(const Napi::CallbackInfo& info, const char* what, F&& fn) {
  try {
    return fn();
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), errorText(what, e));
  }
}

// reducer.cc: distReducerNew, distReducerArm, distReducerFinish, distReducerStats, distReducerDestroy.
void registerReducer(Napi::Env env, Napi::Object exports);

}  // namespace kensa
