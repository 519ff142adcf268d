// Checkpoints refuse every kind of damage with a message naming the file and the fault, and a
// resume falls back to the previous checkpoint when the newest is damaged.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "pipeline/checkpoint.hpp"
#include "support/cli.hpp"

using namespace neuralrg;
using neuralrg::test::metrics_without_seconds;
using neuralrg::test::read_text;
using neuralrg::test::run_cli;
using neuralrg::test::TempDir;
namespace fs = std::filesystem;

namespace {

std::string written_checkpoint(const TempDir& tmp) {
  Matrix w(2, 3), m(4, 1);
  w << 1, 2, 3, 4, 5, 6;
  m << 0.5, -0.5, 0.25, 8;
  write_checkpoint(tmp.path / "good.ckpt", {12, 7, {{"0:w", w}}, {{"m", m}}});
  return read_text(tmp.path / "good.ckpt");
}

// The message read_checkpoint throws for a file holding `bytes`.
std::string refusal(const TempDir& tmp, const std::string& bytes) {
  const fs::path file = tmp.path / "bad.ckpt";
  std::ofstream(file, std::ios::binary) << bytes;
  try {
    read_checkpoint(file);
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    CHECK(what.rfind(file.string() + ": not a valid checkpoint: ", 0) == 0);
    return what;
  }
  return "accepted";
}

std::size_t data_begin(const std::string& bytes) {
  return bytes.find("end\n") + 4;
}

}  // namespace

TEST_CASE("a checkpoint round-trips and carries a checksum of its whole body") {
  TempDir tmp;
  const std::string bytes = written_checkpoint(tmp);
  CHECK(bytes.find("\nchecksum fnv1a64 ") != std::string::npos);
  const Checkpoint c = read_checkpoint(tmp.path / "good.ckpt");
  CHECK(c.epoch == 12);
  CHECK(c.seed == 7);
  REQUIRE(c.parameters.size() == 1);
  CHECK(c.parameters[0].value(1, 2) == Scalar(6));
  CHECK(c.optimizer[0].value(3, 0) == Scalar(8));
}

TEST_CASE("damaged checkpoints are refused, naming the file and the fault") {
  TempDir tmp;
  const std::string good = written_checkpoint(tmp);
  const std::size_t data = data_begin(good);

  std::string flipped = good;
  flipped[data + 13] ^= 0x10;
  CHECK(refusal(tmp, flipped).find("checksum mismatch") != std::string::npos);

  std::string zeroed = good;
  std::fill(zeroed.begin() + static_cast<long>(data), zeroed.end(), '\0');
  CHECK(refusal(tmp, zeroed).find("checksum mismatch") != std::string::npos);

  std::string later = good;
  later.replace(later.find("epoch 12"), 8, "epoch 99");
  CHECK(refusal(tmp, later).find("checksum mismatch") != std::string::npos);

  const std::size_t size = 10 * sizeof(Scalar);  // 2×3 + 4×1 values
  CHECK(refusal(tmp, good.substr(0, good.size() - 5))
            .find(fmt::format("the header declares {} bytes of tensor data, the file holds {} "
                              "(truncated?)",
                              size, size - 5)) != std::string::npos);
  CHECK(refusal(tmp, good.substr(0, 40)).find("truncated header") != std::string::npos);
  CHECK(refusal(tmp, good + "x").find(fmt::format("the file holds {}", size + 1)) !=
        std::string::npos);

  // Without a checksum line (files from before it) the fields themselves are still checked.
  const std::string legacy = "NEURALRG-CHECKPOINT 1\nepoch 3\nseed 1\nscalar double\n";
  CHECK(refusal(tmp, "NEURALRG-CHECKPOINT 1\nepoch -72\nseed 1\nend\n").find("epoch -72") !=
        std::string::npos);
  CHECK(refusal(tmp, "NEURALRG-CHECKPOINT 1\nepoch 4x\nseed 1\nend\n").find("epoch 4x") !=
        std::string::npos);
  CHECK(refusal(tmp, "NEURALRG-CHECKPOINT 1\nseed 1\nend\n").find("lacks its epoch") !=
        std::string::npos);
  CHECK(
      refusal(tmp, legacy + "tensor param w -2 3\nend\n").find("tensor dimensions out of range") !=
      std::string::npos);
  CHECK(refusal(tmp, legacy + "tensor param w 4000000000 4000000000\nend\n")
            .find("tensor dimensions out of range") != std::string::npos);
  CHECK(refusal(tmp, legacy + "tensor weights w 1 1\nend\n").find("tensor group weights") !=
        std::string::npos);
  CHECK(refusal(tmp, legacy + "tensor param w 100 100\nend\n" + std::string(64, '\0'))
            .find("declares 80000 bytes of tensor data, the file holds 64") != std::string::npos);
  CHECK(refusal(tmp, std::string(200, '\0')).find("wrong magic line") != std::string::npos);
}

TEST_CASE("a resume falls back to the previous checkpoint when the newest is corrupt") {
  TempDir tmp;
  const auto pipeline = tmp.write("p.yaml", R"(name: tiny
seed: 5
target: {plugin: ising_dual, L: 4, beta: critical}
flow: {layout: mera, block: {plugin: realnvp, couplings: 2, hidden: [6]}}
stages:
  - train: {optimizer: {plugin: adam, lr: 0.01}, batch: 40, chunk: 16, epochs: 8,
            checkpoint_every: 3, keep_checkpoints: 2}
)");
  REQUIRE(run_cli("run " + pipeline.string() + " --out " + (tmp.path / "full").string()).status ==
          0);
  REQUIRE(run_cli("run " + pipeline.string() + " --out " + (tmp.path / "hit").string()).status ==
          0);
  // A crash after epoch 8's checkpoint, which then had a bit flipped on disk.
  const fs::path hit = tmp.path / "hit";
  fs::remove(hit / "flow.ckpt");
  fs::remove(hit / "stages.done");
  const fs::path newest = hit / "checkpoints/epoch-00000008.ckpt";
  std::string bytes = read_text(newest);
  bytes[bytes.size() - 3] ^= 0x01;
  std::ofstream(newest, std::ios::binary) << bytes;

  const auto r = run_cli("run --resume " + hit.string());
  INFO(r.out, r.err);
  REQUIRE(r.status == 0);
  CHECK(r.err.find(newest.string() + ": not a valid checkpoint: checksum mismatch") !=
        std::string::npos);
  CHECK(r.err.find("set aside as epoch-00000008.ckpt.corrupt") != std::string::npos);
  CHECK(r.out.find("resuming from " + (hit / "checkpoints/epoch-00000006.ckpt").string()) !=
        std::string::npos);
  CHECK(fs::exists(hit / "checkpoints/epoch-00000008.ckpt.corrupt"));
  CHECK(metrics_without_seconds(hit) == metrics_without_seconds(tmp.path / "full"));
  CHECK(read_text(hit / "flow.ckpt") == read_text(tmp.path / "full/flow.ckpt"));
}
