# cmake -DCLI=path/to/neuralrg -DOUT=neuralrg.1 -P man_page.cmake
# Writes the man page from the CLI's own --help texts (the top level and each subcommand), so the
# page cannot drift from the program.
set(sections "")
foreach(command "" plugins validate run report compare evaluate docs "exact ising")
  separate_arguments(args UNIX_COMMAND "${command} --help")
  execute_process(COMMAND ${CLI} ${args} OUTPUT_VARIABLE help RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "${CLI} ${command} --help failed (${status})")
  endif()
  string(REPLACE "${CLI}" "neuralrg" help "${help}")
  string(REPLACE "\\" "\\e" help "${help}")  # roff's escape character, then lines roff would
  string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" help "${help}")  # read as requests
  if(command STREQUAL "")
    string(APPEND sections ".SH DESCRIPTION\n.nf\n${help}.fi\n")
  else()
    string(TOUPPER "${command}" title)
    string(APPEND sections ".SH ${title}\n.nf\n${help}.fi\n")
  endif()
endforeach()
file(WRITE ${OUT} ".TH NEURALRG 1 \"\" \"NeuralRG\" \"User Commands\"
.SH NAME
neuralrg \\- hierarchical normalizing flows for the renormalization group
.SH SYNOPSIS
.B neuralrg
[\\fIOPTIONS\\fR] \\fISUBCOMMAND\\fR ...
${sections}.SH ENVIRONMENT
.TP
.B NEURALRG_PLUGIN_PATH
Colon-separated folders searched for plugins after \\-\\-plugin\\-path.
.TP
.B NEURALRG_ISA
Run at a lower instruction-set level: x86\\-64, x86\\-64\\-v3 or x86\\-64\\-v4.
.SH SEE ALSO
/usr/share/doc/neuralrg/
")
