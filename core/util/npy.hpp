// Arrays as NumPy .npy files (format 1.0): `numpy.load` reads them, as do readers for C++
// (cnpy), Julia (NPZ.jl) and Rust (ndarray-npy). Written atomically like every other output.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "neuralrg/types.hpp"

namespace neuralrg {

/// The bytes of a .npy file of little-endian doubles in C order (the last index varies fastest).
/// Throws std::invalid_argument when the shape's element count is not data.size().
std::string npy_bytes(std::span<const double> data, const std::vector<std::size_t>& shape);
/// The same for a matrix: shape (rows, cols), in the build's precision (float64 or float32).
std::string npy_bytes(const Matrix& m);

/// A 1-D array of doubles.
void write_npy(const std::filesystem::path& file, std::span<const double> data);
/// Rows of equal length as a 2-D array (rows.size(), length).
void write_npy(const std::filesystem::path& file, const std::vector<std::vector<double>>& rows);
void write_npy(const std::filesystem::path& file, const Matrix& m);

/// A 1-D array of little-endian doubles as write_npy writes it (format 1.0, '<f8', shape (n,)).
/// Anything else — another type, order or shape, a cut-off or missing file — gives nullopt: the
/// callers (the report) skip what they cannot read rather than fail a finished run.
std::optional<std::vector<double>> read_npy_vector(const std::filesystem::path& file);

/// A 2-D array of little-endian float64 or float32 in either order (what write_npy(Matrix)
/// writes, and what numpy.save writes for a float array), as a Matrix. Throws std::runtime_error
/// naming the file and what it found when the file is not such an array or is cut off.
Matrix read_npy_matrix(const std::filesystem::path& file);

}  // namespace neuralrg
