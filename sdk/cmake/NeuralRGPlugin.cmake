# neuralrg_add_plugin(NAME SOURCES src...)
# Builds a NeuralRG plugin: a shared library linked against the SDK, with no "lib" prefix
# needed by the host (any *.so in the plugin path is considered). In the NeuralRG build tree the
# library lands in the folder the host searches by default.
function(neuralrg_add_plugin name)
  cmake_parse_arguments(ARG "" "" "SOURCES" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "neuralrg_add_plugin(${name}): SOURCES is required")
  endif()
  add_library(${name} MODULE ${ARG_SOURCES})
  set_target_properties(${name} PROPERTIES
    PREFIX "libneuralrg_"
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(TARGET neuralrg_sdk)
    # In-tree build.
    target_link_libraries(${name} PRIVATE neuralrg_sdk neuralrg_warnings)
    set_target_properties(${name} PROPERTIES
      LIBRARY_OUTPUT_DIRECTORY ${NEURALRG_BUILD_PLUGIN_DIR}
      INSTALL_RPATH "$ORIGIN/../..")
    install(TARGETS ${name} LIBRARY DESTINATION ${NEURALRG_INSTALL_PLUGIN_DIR})
  else()
    target_link_libraries(${name} PRIVATE NeuralRG::sdk)
  endif()
endfunction()
