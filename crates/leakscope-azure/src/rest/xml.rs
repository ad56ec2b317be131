//! The few XML shapes the storage listings return, read with roxmltree.

use roxmltree::{Document, Node};

/// Parses a response body: UTF-8, a leading byte-order mark allowed (Azure sends one).
pub(crate) fn parse(body: &[u8]) -> Result<Document<'_>, String> {
    let text = std::str::from_utf8(body).map_err(|_| "not UTF-8".to_string())?;
    let text = text.trim_start_matches('\u{feff}');
    Document::parse(text).map_err(|e| e.to_string())
}

/// First child element named `name`.
pub(crate) fn child<'a, 'i>(n: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    n.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

/// Child elements named `name`.
pub(crate) fn children<'a, 'i: 'a>(
    n: Node<'a, 'i>,
    name: &'a str,
) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    n.children()
        .filter(move |c| c.is_element() && c.tag_name().name() == name)
}

/// Text of the child element at `path` (`["Properties", "Content-Length"]`).
pub(crate) fn text(n: Node<'_, '_>, path: &[&str]) -> Option<String> {
    let mut cur = n;
    for p in path {
        cur = child(cur, p)?;
    }
    Some(cur.text().unwrap_or("").to_string())
}

/// `<NextMarker>`, when non-empty.
pub(crate) fn next_marker(root: Node<'_, '_>) -> Option<String> {
    text(root, &["NextMarker"]).filter(|m| !m.is_empty())
}

/// `<Error><Code>` of an error body.
pub(crate) fn error_code(body: &[u8]) -> Option<String> {
    let doc = parse(body).ok()?;
    text(doc.root_element(), &["Code"]).filter(|c| !c.is_empty())
}
