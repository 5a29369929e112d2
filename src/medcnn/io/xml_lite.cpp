#include "medcnn/io/xml_lite.h"

#include <cctype>
#include <cstdint>

#include "medcnn/core/error.h"

namespace medcnn::io_detail {

const XmlNode* XmlNode::child(const std::string& n) const {
  for (const auto& c : children)
    if (c->name == n) return c.get();
  return nullptr;
}

std::vector<const XmlNode*> XmlNode::children_named(const std::string& n) const {
  std::vector<const XmlNode*> out;
  for (const auto& c : children)
    if (c->name == n) out.push_back(c.get());
  return out;
}

std::string XmlNode::trimmed_text() const {
  size_t a = 0, b = text.size();
  while (a < b && std::isspace(static_cast<unsigned char>(text[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(text[b - 1]))) --b;
  return text.substr(a, b - a);
}

namespace {

class Parser {
 public:
  Parser(const std::string& s, const std::string& where) : s_(s), where_(where) {}

  std::unique_ptr<XmlNode> document() {
    if (s_.compare(0, 3, "\xEF\xBB\xBF") == 0) i_ = 3;  // UTF-8 byte order mark
    misc();
    if (i_ >= s_.size() || s_[i_] != '<') fail("no root element");
    auto root = element();
    misc();
    if (i_ < s_.size()) fail("content after the root element </" + root->name + ">");
    return root;
  }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    throw FormatError(where_, "malformed XML, line " + std::to_string(line_at(i_)) + ": " + why);
  }
  // Line of a position; positions mostly grow, so count on from the last one.
  int line_at(size_t pos) const {
    if (pos < memo_pos_) memo_pos_ = 0, memo_line_ = 1;
    for (; memo_pos_ < pos && memo_pos_ < s_.size(); ++memo_pos_)
      if (s_[memo_pos_] == '\n') ++memo_line_;
    return memo_line_;
  }
  bool at(const char* lit) const { return s_.compare(i_, std::char_traits<char>::length(lit), lit) == 0; }
  void skip_space() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }
  void skip_past(const char* end, const char* what) {
    const size_t k = s_.find(end, i_);
    if (k == std::string::npos) fail(std::string("unterminated ") + what);
    i_ = k + std::char_traits<char>::length(end);
  }
  // White space, comments, processing instructions, DOCTYPE.
  void misc() {
    while (true) {
      skip_space();
      if (at("<?")) skip_past("?>", "processing instruction");
      else if (at("<!--")) skip_past("-->", "comment");
      else if (at("<!DOCTYPE")) skip_past(">", "DOCTYPE");
      else return;
    }
  }
  static bool name_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' || c == ':' ||
           static_cast<unsigned char>(c) >= 0x80;
  }
  std::string name() {
    const size_t start = i_;
    while (i_ < s_.size() && name_char(s_[i_])) ++i_;
    if (start == i_) fail("expected a tag or attribute name");
    return s_.substr(start, i_ - start);
  }
  void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) out += static_cast<char>(cp);
    else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  // At '&': decode one entity into out.
  void entity(std::string& out) {
    const size_t semi = s_.find(';', i_);
    if (semi == std::string::npos || semi - i_ > 12) fail("bad '&' (escape it as &amp;)");
    const std::string e = s_.substr(i_ + 1, semi - i_ - 1);
    if (e == "lt") out += '<';
    else if (e == "gt") out += '>';
    else if (e == "amp") out += '&';
    else if (e == "quot") out += '"';
    else if (e == "apos") out += '\'';
    else if (!e.empty() && e[0] == '#') {
      try {
        const uint32_t cp = e.size() > 1 && (e[1] == 'x' || e[1] == 'X')
                                ? static_cast<uint32_t>(std::stoul(e.substr(2), nullptr, 16))
                                : static_cast<uint32_t>(std::stoul(e.substr(1)));
        append_utf8(out, cp);
      } catch (const std::exception&) {
        fail("bad character reference &" + e + ";");
      }
    } else {
      fail("unknown entity &" + e + ";");
    }
    i_ = semi + 1;
  }
  std::unique_ptr<XmlNode> element() {
    auto node = std::make_unique<XmlNode>();
    node->line = line_at(i_);
    ++i_;  // '<'
    node->name = name();
    while (true) {
      skip_space();
      if (i_ >= s_.size()) fail("unterminated tag <" + node->name + ">");
      if (at("/>")) {
        i_ += 2;
        return node;
      }
      if (s_[i_] == '>') {
        ++i_;
        break;
      }
      const std::string attr = name();
      skip_space();
      if (i_ >= s_.size() || s_[i_] != '=') fail("attribute '" + attr + "' has no value");
      ++i_;
      skip_space();
      if (i_ >= s_.size() || (s_[i_] != '"' && s_[i_] != '\'')) fail("attribute '" + attr + "' is not quoted");
      const char q = s_[i_++];
      std::string value;
      while (i_ < s_.size() && s_[i_] != q) {
        if (s_[i_] == '&') entity(value);
        else value += s_[i_++];
      }
      if (i_ >= s_.size()) fail("unterminated attribute '" + attr + "'");
      ++i_;
      node->attributes[attr] = value;
    }
    // Content.
    while (true) {
      if (i_ >= s_.size()) fail("<" + node->name + "> (line " + std::to_string(node->line) + ") is never closed");
      const char c = s_[i_];
      if (c == '<') {
        if (at("</")) {
          i_ += 2;
          const std::string closing = name();
          skip_space();
          if (i_ >= s_.size() || s_[i_] != '>') fail("bad closing tag </" + closing);
          ++i_;
          if (closing != node->name)
            fail("</" + closing + "> closes <" + node->name + "> (opened on line " +
                 std::to_string(node->line) + ")");
          return node;
        }
        if (at("<!--")) skip_past("-->", "comment");
        else if (at("<![CDATA[")) {
          const size_t start = i_ + 9;
          const size_t end = s_.find("]]>", start);
          if (end == std::string::npos) fail("unterminated CDATA section");
          node->text += s_.substr(start, end - start);
          i_ = end + 3;
        } else if (at("<?")) skip_past("?>", "processing instruction");
        else node->children.push_back(element());
      } else if (c == '&') {
        entity(node->text);
      } else {
        node->text += c;
        ++i_;
      }
    }
  }

  const std::string& s_;
  const std::string& where_;
  size_t i_ = 0;
  mutable size_t memo_pos_ = 0;
  mutable int memo_line_ = 1;
};

}  // namespace

std::unique_ptr<XmlNode> parse_xml(const std::string& text, const std::string& where) {
  return Parser(text, where).document();
}

}  // namespace medcnn::io_detail
