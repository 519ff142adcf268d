# Writes OUT defining NEURALRG_SOURCE_REVISION as `git describe` of SOURCE_DIR (empty outside a git
# checkout), rewriting it only when it changed so a build without new commits recompiles nothing.
execute_process(COMMAND git -C "${SOURCE_DIR}" describe --always --dirty --tags
                OUTPUT_VARIABLE revision OUTPUT_STRIP_TRAILING_WHITESPACE
                RESULT_VARIABLE failed ERROR_QUIET)
if(failed)
  set(revision "")
endif()
set(content "#define NEURALRG_SOURCE_REVISION \"${revision}\"\n")
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
endif()
if(NOT old STREQUAL content)
  file(WRITE "${OUT}" "${content}")
endif()
