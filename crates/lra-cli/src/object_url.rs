//! Object URLs among the paths: which arguments name objects rather than local files, and how a
//! URL is shown without the credentials it may carry. Both the readers (`input.rs`) and the
//! object store (`store.rs`) need them, so they live below both.

use std::path::Path;

/// The URL `path` is, when it names objects rather than a local file.
pub fn url_of(path: &Path) -> Option<&str> {
    path.to_str().filter(|p| p.contains("://") && !p.starts_with("file://"))
}

/// `url` as it is shown and named: without its user-info (`user:token@`), query (a presigned
/// URL's `?X-Amz-Signature=…`) and fragment, which may hold credentials. The user-info is
/// everything up to the last `@` before the path (its first `/` or `\`), as a URL parser
/// reads it; the query starts at the first `?` or `#` after that.
pub fn shown_url(url: &str) -> String {
    let Some(scheme) = url.find("://") else { return url.to_owned() };
    let (head, rest) = url.split_at(scheme + 3);
    let authority = rest.find(['/', '\\']).unwrap_or(rest.len());
    let rest = &rest[rest[..authority].rfind('@').map_or(0, |at| at + 1)..];
    format!("{head}{}", &rest[..rest.find(['?', '#']).unwrap_or(rest.len())])
}
