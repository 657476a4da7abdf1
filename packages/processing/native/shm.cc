// Shared memory between processes for the primitives' lanes (src/primitives/shm.ts): Node has
// no mmap, and a SharedArrayBuffer cannot leave its process. This addon maps a memfd (or a
// file another process opened) as an ArrayBuffer, on which both ends use Atomics; it also
// makes the lanes' FIFOs (Node has no mkfifo either).
//
// Why an ArrayBuffer and not a SharedArrayBuffer: within its process a mapping is used by one
// thread only (the other end is another process, which V8 knows nothing of), and V8 copies a
// SharedArrayBuffer word by word with relaxed atomics, several times slower than memcpy. Atomics
// on an ArrayBuffer are the same instructions.
//
// Built by scripts/build-native.mjs when a C++ compiler and Node's headers are present; proc
// works without it (lanes then carry frames through their FIFO). Linux only (memfd_create).
#include <node.h>
#include <v8.h>

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace {

using v8::Array;
using v8::Context;
using v8::FunctionCallbackInfo;
using v8::Integer;
using v8::Isolate;
using v8::Local;
using v8::Object;
using v8::ArrayBuffer;
using v8::String;
using v8::Value;

void ThrowErrno(Isolate* isolate, const char* what, int err) {
  std::string msg = std::string(what) + ": " + strerror(err);
  Local<Value> e = v8::Exception::Error(String::NewFromUtf8(isolate, msg.c_str()).ToLocalChecked());
  Local<Context> ctx = isolate->GetCurrentContext();
  e.As<Object>()
      ->Set(ctx, String::NewFromUtf8Literal(isolate, "errno"), Integer::New(isolate, err))
      .Check();
  isolate->ThrowException(e);
}

// The mapping lives as long as the ArrayBuffer on it (V8 calls this on collection).
void Unmap(void* data, size_t length, void*) { munmap(data, length); }

Local<ArrayBuffer> Wrap(Isolate* isolate, void* data, size_t size) {
  std::unique_ptr<v8::BackingStore> store = ArrayBuffer::NewBackingStore(data, size, Unmap, nullptr);
  return ArrayBuffer::New(isolate, std::move(store));
}

void* MapFd(int fd, size_t size) {
  void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  return p == MAP_FAILED ? nullptr : p;
}

// create(size): [fd, ArrayBuffer] over a new anonymous memfd of `size` bytes (zeroed).
// The caller closes fd once every peer has opened it (as /proc/<pid>/fd/<fd>).
void Create(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  Local<Context> ctx = isolate->GetCurrentContext();
  double want = args[0]->NumberValue(ctx).FromMaybe(0);
  if (!(want > 0) || want > (1u << 30)) {
    isolate->ThrowException(v8::Exception::RangeError(String::NewFromUtf8Literal(isolate, "size out of range")));
    return;
  }
  size_t size = static_cast<size_t>(want);
  int fd = memfd_create("proc-lane", MFD_CLOEXEC);
  if (fd < 0) return ThrowErrno(isolate, "memfd_create", errno);
  if (ftruncate(fd, static_cast<off_t>(size)) != 0) {
    int err = errno;
    close(fd);
    return ThrowErrno(isolate, "ftruncate", err);
  }
  void* p = MapFd(fd, size);
  if (p == nullptr) {
    int err = errno;
    close(fd);
    return ThrowErrno(isolate, "mmap", err);
  }
  Local<Array> out = Array::New(isolate, 2);
  out->Set(ctx, 0, Integer::New(isolate, fd)).Check();
  out->Set(ctx, 1, Wrap(isolate, p, size)).Check();
  args.GetReturnValue().Set(out);
}

// open(path): an ArrayBuffer over the whole file at `path` (a peer's memfd).
void Open(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  String::Utf8Value path(isolate, args[0]);
  if (*path == nullptr) return ThrowErrno(isolate, "open", EINVAL);
  int fd = open(*path, O_RDWR | O_CLOEXEC);
  if (fd < 0) return ThrowErrno(isolate, "open", errno);
  struct stat st;
  if (fstat(fd, &st) != 0 || st.st_size <= 0) {
    int err = errno ? errno : EINVAL;
    close(fd);
    return ThrowErrno(isolate, "fstat", err);
  }
  void* p = MapFd(fd, static_cast<size_t>(st.st_size));
  int err = errno;
  close(fd);
  if (p == nullptr) return ThrowErrno(isolate, "mmap", err);
  args.GetReturnValue().Set(Wrap(isolate, p, static_cast<size_t>(st.st_size)));
}

// mkfifo(path, mode): a named pipe for a lane (Node has no call for it).
void MakeFifo(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  Local<Context> ctx = isolate->GetCurrentContext();
  String::Utf8Value path(isolate, args[0]);
  if (*path == nullptr) return ThrowErrno(isolate, "mkfifo", EINVAL);
  mode_t mode = static_cast<mode_t>(args[1]->Uint32Value(ctx).FromMaybe(0600));
  if (mkfifo(*path, mode) != 0) return ThrowErrno(isolate, "mkfifo", errno);
}

// Node unloads an addon when the worker thread that loaded it exits, but V8 may free an
// ArrayBuffer's memory later (on teardown, after the unload) and call Unmap: keep this library
// loaded until the process ends.
void PinLibrary() {
  static bool pinned = false;
  if (pinned) return;
  Dl_info info;
  if (dladdr(reinterpret_cast<void*>(&Unmap), &info) != 0 && info.dli_fname != nullptr) {
    if (dlopen(info.dli_fname, RTLD_NOW | RTLD_NODELETE) != nullptr) pinned = true;
  }
}

}  // namespace

// Context-aware: the primitives host loads it in a worker thread too.
NODE_MODULE_INIT(/* exports, module, context */) {
  PinLibrary();
  NODE_SET_METHOD(exports, "create", Create);
  NODE_SET_METHOD(exports, "open", Open);
  NODE_SET_METHOD(exports, "mkfifo", MakeFifo);
  (void)module;
  (void)context;
}
