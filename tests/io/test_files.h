// Test helper: a fresh temporary directory and files written into it.

#ifndef NEARDUP_TESTS_IO_TEST_FILES_H_
#define NEARDUP_TESTS_IO_TEST_FILES_H_

#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "gtest/gtest.h"

namespace neardup {

class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            (std::string("neardup_") + info->test_suite_name() + "_" +
             info->name());
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Writes `bytes` to `name` (subdirectories created) and returns its path.
  std::string Write(const std::string& name, const std::string& bytes) const {
    const std::filesystem::path file = path_ / name;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << bytes;
    return file.string();
  }

  // Writes `bytes` gzip-compressed; `keep` bytes of the compressed file only.
  std::string WriteGzip(const std::string& name, const std::string& bytes,
                        size_t keep = std::string::npos) const {
    const std::string plain = (path_ / (name + ".tmp")).string();
    gzFile gz = gzopen(plain.c_str(), "wb");
    gzwrite(gz, bytes.data(), static_cast<unsigned>(bytes.size()));
    gzclose(gz);
    std::ifstream in(plain, std::ios::binary);
    std::string compressed((std::istreambuf_iterator<char>(in)),
                           std::istreambuf_iterator<char>());
    std::filesystem::remove(plain);
    return Write(name, compressed.substr(0, keep));
  }

  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace neardup

#endif  // NEARDUP_TESTS_IO_TEST_FILES_H_
