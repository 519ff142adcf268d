# cmake --install: the CLI, the core library, the SDK headers, the built plugins, and a package
# config so out-of-tree plugins can find_package(NeuralRG) and call neuralrg_add_plugin().
include(CMakePackageConfigHelpers)

install(TARGETS neuralrg RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS neuralrg_core neuralrg_sdk_headers EXPORT NeuralRGTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/sdk/include/neuralrg
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT NeuralRGTargets NAMESPACE NeuralRG::
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/NeuralRG)

configure_package_config_file(${PROJECT_SOURCE_DIR}/sdk/cmake/NeuralRGConfig.cmake.in
  ${CMAKE_BINARY_DIR}/NeuralRGConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/NeuralRG)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/NeuralRGConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES
  ${CMAKE_BINARY_DIR}/NeuralRGConfig.cmake
  ${CMAKE_BINARY_DIR}/NeuralRGConfigVersion.cmake
  ${PROJECT_SOURCE_DIR}/sdk/cmake/NeuralRGPlugin.cmake
  ${PROJECT_SOURCE_DIR}/sdk/cmake/NeuralRGIsa.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/NeuralRG)
