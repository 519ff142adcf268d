// Reproducible random streams keyed by (seed, stream name, step, chunk).
#pragma once

#include <cmath>
#include <cstdint>
#include <numbers>
#include <string_view>

#include "neuralrg/types.hpp"

namespace neuralrg {

/// A xoshiro256** generator with its own normal and uniform draws, so results are identical on
/// every platform and standard library (std::normal_distribution is implementation-defined).
class Rng {
 public:
  /// A stream from a single 64-bit seed.
  explicit Rng(std::uint64_t seed = 0) { reseed(seed); }

  /// The stream keyed by (seed, name, step, chunk): independent of thread count and of the
  /// order in which chunks run.
  static Rng stream(std::uint64_t seed, std::string_view name, std::uint64_t step = 0,
                    std::uint64_t chunk = 0) {
    std::uint64_t h = 1469598103934665603ull;  // FNV-1a over the stream name
    for (char c : name) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    std::uint64_t key = mix(seed ^ mix(h));
    key = mix(key ^ mix(step + 0x9e3779b97f4a7c15ull));
    key = mix(key ^ mix(chunk + 0x632be59bd9b4e019ull));
    return Rng(key);
  }

  /// Next raw 64-bit output.
  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  /// Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  /// Standard normal (Marsaglia polar method; the spare value is kept).
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u, v, s;
    do {
      u = 2.0 * uniform() - 1.0;
      v = 2.0 * uniform() - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double f = std::sqrt(-2.0 * std::log(s) / s);
    spare_ = v * f;
    has_spare_ = true;
    return u * f;
  }

  /// Fills `m` with independent standard normal draws in storage order (column by column: Matrix
  /// is column-major).
  void fill_normal(Matrix& m) {
    for (Index i = 0; i < m.size(); ++i) m.data()[i] = static_cast<Scalar>(normal());
  }

  /// The full state (for checkpoints): four words, the spare normal and its flag.
  struct State {
    std::uint64_t s[4];
    double spare;
    bool has_spare;
  };
  State state() const { return {{s_[0], s_[1], s_[2], s_[3]}, spare_, has_spare_}; }
  void set_state(const State& st) {
    for (int i = 0; i < 4; ++i) s_[i] = st.s[i];
    spare_ = st.spare;
    has_spare_ = st.has_spare;
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static std::uint64_t mix(std::uint64_t z) {  // SplitMix64 finaliser
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  void reseed(std::uint64_t seed) {
    std::uint64_t x = seed;
    for (auto& w : s_) {
      x += 0x9e3779b97f4a7c15ull;
      w = mix(x);
    }
    has_spare_ = false;
    spare_ = 0.0;
  }

  std::uint64_t s_[4];
  double spare_ = 0.0;
  bool has_spare_ = false;
};

}  // namespace neuralrg
