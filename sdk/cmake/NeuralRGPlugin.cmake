# neuralrg_add_plugin(NAME SOURCES src... [LINK_LIBRARIES lib...] [COMPILE_OPTIONS opt...])
# Builds a NeuralRG plugin: a shared library linked against the SDK, named libneuralrg_NAME.so (the
# host considers any *.so in the plugin path). Where the NeuralRG it is built against has
# instruction-set levels (NeuralRGIsa.cmake), the plugin is also built once per level into
# glibc-hwcaps/<level>/ beside it, and the host loads the copy matching the level it runs at;
# LINK_LIBRARIES and COMPILE_OPTIONS apply to every copy. Set NEURALRG_PLUGIN_ISA_LEVELS to OFF
# before calling to build the portable copy only. In the NeuralRG build tree the library lands in the
# folder the host searches by default.
include(${CMAKE_CURRENT_LIST_DIR}/NeuralRGIsa.cmake)

# An out-of-tree plugin project that chose no build type would compile without optimisation: a
# block then runs at half the speed or less. Release unless the project or the user chose.
if(NOT TARGET neuralrg_sdk AND NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES)
  set(CMAKE_BUILD_TYPE Release CACHE STRING "Build type (NeuralRG plugins default to Release)"
    FORCE)
endif()

# One copy of the plugin; `level` is empty for the portable one.
function(neuralrg_detail_plugin_copy target level)
  cmake_parse_arguments(ARG "" "OUTPUT_DIRECTORY;INSTALL_DIRECTORY"
    "SOURCES;LINK_LIBRARIES;COMPILE_OPTIONS" ${ARGN})
  add_library(${target} MODULE ${ARG_SOURCES})
  set_target_properties(${target} PROPERTIES
    PREFIX "libneuralrg_"
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    # The host has libneuralrg loaded before it opens a plugin, so the plugin needs no RPATH (and
    # an RPATH is one more place a library could be found in).
    SKIP_BUILD_RPATH ON
    INSTALL_RPATH "")
  if(ARG_OUTPUT_DIRECTORY)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIRECTORY})
  endif()
  if(level)
    target_compile_options(${target} PRIVATE -march=${level})
  endif()
  # An undefined symbol is a link error here, not a load failure on the user's machine. Not with
  # sanitizers: Clang leaves their runtime to the executable, so a sanitized plugin has undefined
  # __asan_*/__sanitizer_* references by design.
  if(NOT NEURALRG_SANITIZE AND NOT CMAKE_CXX_FLAGS MATCHES "-fsanitize")
    target_link_options(${target} PRIVATE LINKER:-z,defs)
  endif()
  target_compile_options(${target} PRIVATE ${ARG_COMPILE_OPTIONS})
  target_link_libraries(${target} PRIVATE ${ARG_LINK_LIBRARIES})
  if(TARGET neuralrg_sdk)  # in-tree build
    target_link_libraries(${target} PRIVATE neuralrg_sdk neuralrg_warnings)
    install(TARGETS ${target} LIBRARY DESTINATION ${ARG_INSTALL_DIRECTORY})
  else()
    target_link_libraries(${target} PRIVATE NeuralRG::sdk)
  endif()
endfunction()

function(neuralrg_add_plugin name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LINK_LIBRARIES;COMPILE_OPTIONS" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "neuralrg_add_plugin(${name}): SOURCES is required")
  endif()
  set(common SOURCES ${ARG_SOURCES} LINK_LIBRARIES ${ARG_LINK_LIBRARIES}
    COMPILE_OPTIONS ${ARG_COMPILE_OPTIONS})
  if(TARGET neuralrg_sdk)
    set(output_dir ${NEURALRG_BUILD_PLUGIN_DIR})
  elseif(CMAKE_LIBRARY_OUTPUT_DIRECTORY)
    set(output_dir ${CMAKE_LIBRARY_OUTPUT_DIRECTORY})
  else()
    set(output_dir ${CMAKE_CURRENT_BINARY_DIR})
  endif()
  neuralrg_detail_plugin_copy(${name} "" ${common}
    OUTPUT_DIRECTORY ${output_dir} INSTALL_DIRECTORY "${NEURALRG_INSTALL_PLUGIN_DIR}")
  if(DEFINED NEURALRG_PLUGIN_ISA_LEVELS AND NOT NEURALRG_PLUGIN_ISA_LEVELS)
    return()
  endif()
  foreach(level IN LISTS NEURALRG_BUILT_ISA_LEVELS)
    string(REPLACE "-" "_" suffix ${level})
    neuralrg_isa_subdir(${level} subdir)
    neuralrg_detail_plugin_copy(${name}_${suffix} ${level} ${common}
      OUTPUT_DIRECTORY ${output_dir}/${subdir}
      INSTALL_DIRECTORY "${NEURALRG_INSTALL_PLUGIN_DIR}/${subdir}")
    set_target_properties(${name}_${suffix} PROPERTIES OUTPUT_NAME ${name})
    # Building the plugin builds every copy the host might load.
    add_dependencies(${name} ${name}_${suffix})
  endforeach()
endfunction()
