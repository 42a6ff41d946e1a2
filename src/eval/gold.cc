#include "eval/gold.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "simdjson.h"

namespace neardup {
namespace {

absl::Status LineError(const std::string& source, absl::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat(source, ": ", reason));
}

absl::StatusOr<Gold> ReadPairs(std::istream& in, const std::string& path) {
  Gold gold;
  gold.kind = Gold::Kind::kPairs;
  size_t id1 = 0, id2 = 1, label = 2;
  std::string line;
  for (size_t number = 1; std::getline(in, line); ++number) {
    const std::string source = absl::StrCat(path, ":", number);
    absl::string_view text = absl::StripSuffix(line, "\r");
    if (absl::StripAsciiWhitespace(text).empty()) continue;
    const std::vector<absl::string_view> columns = absl::StrSplit(text, '\t');
    if (number == 1) {
      bool header = false;
      for (size_t c = 0; c < columns.size(); ++c) {
        if (columns[c] == "id1") id1 = c, header = true;
        if (columns[c] == "id2") id2 = c, header = true;
        if (columns[c] == "label") label = c, header = true;
      }
      if (header) continue;
    }
    const size_t needed = std::max({id1, id2, label}) + 1;
    if (columns.size() < needed) {
      return LineError(source, absl::StrCat("expected ", needed,
                                            " tab-separated columns, found ",
                                            columns.size()));
    }
    GoldPair pair{std::string(columns[id1]), std::string(columns[id2]), false,
                  source};
    if (columns[label] == "1") {
      pair.duplicate = true;
    } else if (columns[label] != "0") {
      return LineError(source, absl::StrCat("label must be 0 or 1, not \"",
                                            columns[label], "\""));
    }
    gold.pairs.push_back(std::move(pair));
  }
  return gold;
}

absl::StatusOr<GoldMember> ParseMember(simdjson::dom::element element,
                                       const std::string& source,
                                       bool& is_span) {
  GoldMember member;
  std::string_view text;
  if (element.get(text) == simdjson::SUCCESS) {
    member.doc = std::string(text);
    is_span = false;
    return member;
  }
  if (element.is_number()) {
    member.doc = simdjson::minify(element);
    is_span = false;
    return member;
  }
  simdjson::dom::object object;
  uint64_t start = 0, end = 0;
  if (element.get(object) != simdjson::SUCCESS ||
      object["doc"].get(text) != simdjson::SUCCESS ||
      object["start"].get(start) != simdjson::SUCCESS ||
      object["end"].get(end) != simdjson::SUCCESS || start >= end ||
      end > UINT32_MAX) {
    return LineError(source,
                     "a member must be an id or {\"doc\": ID, \"start\": B, "
                     "\"end\": B} with start < end");
  }
  member.doc = std::string(text);
  member.start = static_cast<uint32_t>(start);
  member.end = static_cast<uint32_t>(end);
  is_span = true;
  return member;
}

absl::StatusOr<Gold> ReadClusters(std::istream& in, const std::string& path) {
  Gold gold;
  simdjson::dom::parser parser;
  bool any_span = false, any_id = false;
  std::string line;
  for (size_t number = 1; std::getline(in, line); ++number) {
    const std::string source = absl::StrCat(path, ":", number);
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    simdjson::dom::element root;
    simdjson::dom::array members;
    if (parser.parse(line).get(root) != simdjson::SUCCESS) {
      return LineError(source, "malformed JSON");
    }
    if (root["members"].get(members) != simdjson::SUCCESS) {
      return LineError(source, "expected an object with a \"members\" array");
    }
    GoldCluster cluster;
    cluster.source = source;
    for (simdjson::dom::element element : members) {
      bool is_span = false;
      absl::StatusOr<GoldMember> member = ParseMember(element, source, is_span);
      if (!member.ok()) return member.status();
      (is_span ? any_span : any_id) = true;
      if (any_span && any_id) {
        return LineError(source,
                         "gold mixes document ids and spans; use one kind");
      }
      cluster.members.push_back(*std::move(member));
    }
    std::string_view original;
    if (root["original"].get(original) == simdjson::SUCCESS) {
      cluster.original = std::string(original);
      const bool listed = std::any_of(
          cluster.members.begin(), cluster.members.end(),
          [&](const GoldMember& m) { return m.doc == cluster.original; });
      if (any_span || !listed) {
        return LineError(source,
                         "\"original\" must be one of the cluster's ids");
      }
    }
    gold.clusters.push_back(std::move(cluster));
  }
  gold.kind = any_span ? Gold::Kind::kSpans : Gold::Kind::kClusters;
  return gold;
}

}  // namespace

absl::StatusOr<Gold> ReadGold(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  if (absl::EndsWith(path, ".tsv")) return ReadPairs(in, path);
  return ReadClusters(in, path);
}

}  // namespace neardup
