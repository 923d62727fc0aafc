{
  "targets": [
    {
      "target_name": "kensa_native",
      "sources": ["src/addon.cc", "src/dist.cc", "src/reducer.cc"],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<!@(node find-libtorch.cjs include)"
      ],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "_GLIBCXX_USE_CXX11_ABI=1"],
      "cflags!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-frtti", "-O2", "-Wno-unused-parameter", "-Wno-deprecated-declarations"],
      "libraries": [
        "-L<!(node find-libtorch.cjs lib)",
        "-Wl,-rpath,<!(node find-libtorch.cjs lib)",
        "-Wl,--no-as-needed",
        "-ltorch", "-ltorch_cpu", "-lc10"
      ],
      "conditions": [
        ["'<!(node find-libtorch.cjs cuda)'=='1'", {
          "libraries": ["-ltorch_cuda", "-lc10_cuda"]
        }],
        ["'<!(node find-gloo.cjs enabled)'=='1'", {
          "defines": ["KENSA_DIST", "USE_C10D_GLOO"],
          "libraries": ["<!@(node find-gloo.cjs libs)"]
        }]
      ]
    }
  ]
}
