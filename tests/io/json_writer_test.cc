#include "io/json_writer.h"

#include "gtest/gtest.h"

namespace neardup {
namespace {

TEST(JsonWriterTest, EscapesQuotesBackslashesAndControls) {
  std::string out;
  AppendJsonString(out, "a\"b\\c\nd\te\x01 é");
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\nd\\te\\u0001 é\"");
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
