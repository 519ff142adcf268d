// Conformance checks for plugin authors: gradients against finite differences, bijectors
// (invertibility, log-dets against the numerical Jacobian, row independence) and targets
// (energies, their gradient, observables). Header-only; works with any test framework: each
// check returns a Report whose `ok` you assert and whose `message` says what failed.
#pragma once

#include "neuralrg/testing/bijector_check.hpp"
#include "neuralrg/testing/gradients.hpp"
#include "neuralrg/testing/report.hpp"
#include "neuralrg/testing/target_check.hpp"
