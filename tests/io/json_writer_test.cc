#include "io/json_writer.h"

#include "gtest/gtest.h"

namespace neardup {
namespace {

TEST(JsonWriterTest, EscapesQuotesBackslashesAndControls) {
  std::string out;
  AppendJsonString(out, "a\"b\\c\nd\te\x01 é");
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\nd\\te\\u0001 é\"");
}

// Every byte value, at every place in texts shorter and longer than the 16
// bytes the writer scans at once, escaped as a byte-at-a-time reference
// escapes it.
TEST(JsonWriterTest, EscapesEveryByteWhereverItIs) {
  const auto reference = [](const std::string& text) {
    std::string out = "\"";
    for (const char c : text) {
      const unsigned char u = static_cast<unsigned char>(c);
      if (c == '"') {
        out += "\\\"";
      } else if (c == '\\') {
        out += "\\\\";
      } else if (c == '\n') {
        out += "\\n";
      } else if (c == '\r') {
        out += "\\r";
      } else if (c == '\t') {
        out += "\\t";
      } else if (u < 0x20) {
        out += "\\u00";
        out += "0123456789abcdef"[u >> 4];
        out += "0123456789abcdef"[u & 0xF];
      } else {
        out += c;
      }
    }
    return out + "\"";
  };
  for (size_t size : {1, 15, 16, 17, 31, 33, 40}) {
    for (size_t at = 0; at < size; ++at) {
      for (int byte = 0; byte < 256; ++byte) {
        std::string text(size, 'a');
        text[at] = static_cast<char>(byte);
        if (at + 1 < size) text[size - 1] = '"';  // a second escape after it
        std::string out = "x";                    // appended to what is there
        AppendJsonString(out, text);
        std::string expected = "x";
        expected += reference(text);
        ASSERT_EQ(out, expected) << size << " " << at << " " << byte;
      }
    }
  }
}

TEST(JsonWriterTest, TextDocumentsBecomeIdAndText) {
  Document doc;
  doc.id = "dir/a.txt";
  doc.text = "old";
  EXPECT_EQ(*DocumentJson(doc, "new \"text\"", ReadOptions()),
            "{\"id\":\"dir/a.txt\",\"text\":\"new \\\"text\\\"\"}");
}

TEST(JsonWriterTest, JsonDocumentsKeepEveryFieldAndOrder) {
  Document doc;
  doc.text = "one two";
  doc.json =
      R"({"id": 7, "meta": {"a": [1, 2]}, "text": "one two", "z": null})";
  // Unchanged text: the input line, byte for byte.
  EXPECT_EQ(*DocumentJson(doc, doc.text, ReadOptions()), doc.json);
  EXPECT_EQ(*DocumentJson(doc, "one", ReadOptions()),
            R"({"id":7,"meta":{"a":[1,2]},"text":"one","z":null})");
}

}  // namespace
}  // namespace neardup
