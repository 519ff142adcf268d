// Everything a plugin author needs: include this one header.
#pragma once

#include "neuralrg/autodiff.hpp"
#include "neuralrg/bijector.hpp"
#include "neuralrg/optimizer.hpp"
#include "neuralrg/params.hpp"
#include "neuralrg/plugin.hpp"
#include "neuralrg/prior.hpp"
#include "neuralrg/rng.hpp"
#include "neuralrg/sampler.hpp"
#include "neuralrg/target.hpp"
#include "neuralrg/types.hpp"
#include "neuralrg/version.hpp"
