# cpack -G DEB (from the build folder): one .deb of the portable build — the CLI with its man page
# and bash completion, libneuralrg and the plugins at every instruction-set level, the SDK headers
# and CMake package for plugin authors, the docs and the ready pipelines.

# The man page: written beside the CLI by core/CMakeLists.txt whenever the CLI is built.
set(man_page ${CMAKE_BINARY_DIR}/neuralrg.1)
install(FILES ${man_page} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${PROJECT_SOURCE_DIR}/core/cli/neuralrg.bash-completion
  DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME neuralrg)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/neuralrg
  PATTERN scripts EXCLUDE)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/neuralrg)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/pipelines/
  DESTINATION ${CMAKE_INSTALL_DATADIR}/neuralrg/pipelines)

set(CPACK_PACKAGE_NAME neuralrg)
set(CPACK_PACKAGE_VENDOR "NeuralRG developers")
set(CPACK_PACKAGE_CONTACT "NeuralRG developers <neuralrg@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "Neural-network renormalization group: hierarchical normalizing flows for lattice models")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
# Run-time dependencies from the binaries themselves (dpkg-shlibdeps); libneuralrg is ours, in the
# package, and found by dpkg-shlibdeps there.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS ${CMAKE_LIBRARY_OUTPUT_DIRECTORY})
# What a plugin author's find_package(NeuralRG) needs besides the package.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "cmake, g++, libeigen3-dev, libboost-dev")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "chromium, python3-numpy")
include(CPack)
