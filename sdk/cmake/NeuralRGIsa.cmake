# Instruction-set levels: one portable build that is fast on every x86-64 CPU.
#
# The same sources are compiled once for the baseline (x86-64: SSE2, which every machine the Debian
# packages run on has) and once per level in NEURALRG_KNOWN_ISA_LEVELS. A level's copy of a library lands
# in glibc-hwcaps/<level>/ beside the baseline copy: the dynamic loader (glibc ≥ 2.33) picks the
# highest level the CPU supports for the core library, and the plugin host does the same for
# plugins. Each process thus runs one level throughout — no code compiled for one level calls code
# compiled for another, so the inline Eigen templates every copy instantiates cannot mix (the trap
# of function-level dispatch over Eigen code) — and every level shares one ABI, because Eigen's
# alignment is fixed by the SDK rather than by the instruction set.
#
# x86-64-v3: AVX2, FMA, BMI (Haswell, Zen 1 and later); x86-64-v4: AVX-512 F/BW/CD/DQ/VL (Skylake-SP,
# Ice Lake, Zen 4 and later).
include_guard(GLOBAL)
include(CheckCXXCompilerFlag)

set(NEURALRG_KNOWN_ISA_LEVELS x86-64-v3 x86-64-v4)

# Sets `out` to TRUE when this compiler and platform can build the levels: x86-64 Linux (glibc's
# hwcaps lookup) and a compiler that knows the level names (GCC ≥ 11, Clang ≥ 12).
function(neuralrg_isa_levels_supported out)
  set(supported FALSE)
  if(CMAKE_SYSTEM_NAME STREQUAL "Linux" AND CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64)$")
    check_cxx_compiler_flag(-march=x86-64-v4 NEURALRG_COMPILER_KNOWS_X86_64_V4)
    if(NEURALRG_COMPILER_KNOWS_X86_64_V4)
      set(supported TRUE)
    endif()
  endif()
  set(${out} ${supported} PARENT_SCOPE)
endfunction()

# The subfolder of a library's folder that holds its copy for `level`.
function(neuralrg_isa_subdir level out)
  set(${out} glibc-hwcaps/${level} PARENT_SCOPE)
endfunction()
