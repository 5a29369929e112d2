// Private to io/: a small, strict XML reader for annotation files (Pascal VOC).
//
// parse_xml(text, where) builds a tree of elements: name, attributes, the
// concatenated character data (entities and CDATA decoded, surrounding white
// space kept; use trimmed_text()), and children. It skips the prolog,
// comments, processing instructions and DOCTYPE. Mismatched or unclosed tags,
// a second root or stray text after it throw FormatError(where, "line N: ...").
// No namespaces, no DTD entities beyond the five predefined and &#...;.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace medcnn::io_detail {

struct XmlNode {
  std::string name;
  std::map<std::string, std::string> attributes;
  std::string text;
  std::vector<std::unique_ptr<XmlNode>> children;
  int line = 0;

  const XmlNode* child(const std::string& n) const;  // first child named n, or null
  std::vector<const XmlNode*> children_named(const std::string& n) const;
  std::string trimmed_text() const;
};

std::unique_ptr<XmlNode> parse_xml(const std::string& text, const std::string& where);

}  // namespace medcnn::io_detail
