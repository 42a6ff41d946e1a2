#include "io/json_writer.h"

#include <bit>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "simdjson.h"

namespace neardup {

namespace {

// Whether byte c must be escaped in a JSON string.
bool NeedsEscape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

// Where the first byte at or after `from` that needs escaping is, or
// text.size(): 16 bytes at a time with SSE2 (part of every x86-64 CPU),
// since a report is mostly passage text (128 MB for chronam1916 Q1, where
// a byte at a time took 0.17 s of CPU).
size_t NextToEscape(absl::string_view text, size_t from) {
  size_t i = from;
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i last_control = _mm_set1_epi8(0x1F);
  for (; i + 16 <= text.size(); i += 16) {
    const __m128i bytes =
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + i));
    // Unsigned bytes <= 0x1F are those that min(byte, 0x1F) leaves as is.
    const __m128i escaped =
        _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(bytes, last_control), bytes),
                     _mm_or_si128(_mm_cmpeq_epi8(bytes, quote),
                                  _mm_cmpeq_epi8(bytes, backslash)));
    const unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(escaped));
    if (mask != 0) return i + static_cast<size_t>(std::countr_zero(mask));
  }
#endif
  for (; i < text.size(); ++i) {
    if (NeedsEscape(static_cast<unsigned char>(text[i]))) return i;
  }
  return text.size();
}

}  // namespace

void AppendJsonString(std::string& out, absl::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  size_t plain_start = 0;
  for (size_t i = NextToEscape(text, 0); i < text.size();
       i = NextToEscape(text, i + 1)) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    out.append(text.data() + plain_start, i - plain_start);
    plain_start = i + 1;
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        out.append("\\u00");
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xF]);
    }
  }
  out.append(text.data() + plain_start, text.size() - plain_start);
  out.push_back('"');
}

std::string Preview(absl::string_view text, size_t max_bytes) {
  std::string out;
  bool space = false;
  for (const char c : text) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (out.size() >= max_bytes &&
        (static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      out.append("...");
      break;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

absl::StatusOr<std::string> DocumentJson(const Document& doc,
                                         absl::string_view text,
                                         const ReadOptions& options) {
  std::string out;
  if (doc.json.empty()) {
    out.append("{\"id\":");
    AppendJsonString(out, doc.id);
    out.append(",\"text\":");
    AppendJsonString(out, text);
    out.push_back('}');
    return out;
  }
  if (text == doc.text) return doc.json;
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (parser.parse(doc.json).get(object) != simdjson::SUCCESS) {
    return absl::InternalError(
        absl::StrCat(doc.source, ": input line no longer parses"));
  }
  out.push_back('{');
  bool first = true;
  for (const simdjson::dom::key_value_pair field : object) {
    if (!first) out.push_back(',');
    first = false;
    // Debian's Abseil has its own string_view, not std::string_view.
    const absl::string_view key(field.key.data(), field.key.size());
    AppendJsonString(out, key);
    out.push_back(':');
    if (key == options.text_field) {
      AppendJsonString(out, text);
    } else {
      out.append(simdjson::minify(field.value));
    }
  }
  out.push_back('}');
  return out;
}

}  // namespace neardup
