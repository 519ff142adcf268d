// Version of the toolkit and of the plugin contract.
#pragma once

#include "neuralrg/types.hpp"

/// The toolkit's release version.
#define NEURALRG_VERSION_STRING "0.1.0"

/// Version of the plugin contract (the headers in sdk/include/neuralrg). Bumped whenever a change
/// would break a compiled plugin; the host refuses plugins built against another value.
#define NEURALRG_API_VERSION 6

#define NEURALRG_DETAIL_STR2(x) #x
#define NEURALRG_DETAIL_STR(x) NEURALRG_DETAIL_STR2(x)

#if defined(__clang__)
#define NEURALRG_DETAIL_COMPILER "clang-" NEURALRG_DETAIL_STR(__clang_major__)
#elif defined(__GNUC__)
#define NEURALRG_DETAIL_COMPILER "gcc-" NEURALRG_DETAIL_STR(__GNUC__)
#else
#define NEURALRG_DETAIL_COMPILER "unknown-compiler"
#endif

#if defined(_LIBCPP_VERSION)
#define NEURALRG_DETAIL_STDLIB "libc++"
#elif defined(_GLIBCXX_USE_CXX11_ABI)
#define NEURALRG_DETAIL_STDLIB "libstdc++-cxx11abi" NEURALRG_DETAIL_STR(_GLIBCXX_USE_CXX11_ABI)
#else
#define NEURALRG_DETAIL_STDLIB "unknown-stdlib"
#endif

/// Everything that must match between host and plugin for C++ objects to cross the library
/// boundary: compiler family, standard library ABI, Eigen version, Eigen's alignment (which
/// depends on the SIMD instruction set), the Scalar type and the Index type with its size.
#define NEURALRG_ABI_TAG \
  NEURALRG_DETAIL_COMPILER "/" NEURALRG_DETAIL_STDLIB "/eigen-" NEURALRG_DETAIL_STR(              \
      EIGEN_WORLD_VERSION) "." NEURALRG_DETAIL_STR(EIGEN_MAJOR_VERSION) "." NEURALRG_DETAIL_STR(  \
      EIGEN_MINOR_VERSION) "/align-" NEURALRG_DETAIL_STR(EIGEN_MAX_ALIGN_BYTES) "/scalar-"      \
      NEURALRG_DETAIL_STR(NEURALRG_SCALAR) "/index-" NEURALRG_DETAIL_STR(                         \
          EIGEN_DEFAULT_DENSE_INDEX_TYPE) "-" NEURALRG_DETAIL_STR(__SIZEOF_PTRDIFF_T__)
