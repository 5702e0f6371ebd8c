//! Files as builds: which build a file given by its path is, the natural order builds are read
//! in (`build-9` before `build-10`), and whether a dropped folder is one of builds. The CLI's
//! `lra history` and the app's "files are builds" share these rules.

use std::cmp::Ordering;

/// The build a file belongs to, by its path as given (`/`-separated): the entry of the folder
/// it was given in (`ci/build-7/unit.log` and `ci/build-7/ui.log` are build `build-7`;
/// `ci/build-8.zip` is `build-8.zip`), or the file itself when it was given alone.
pub fn build_of(path: &str) -> &str {
    let mut parts = path.split('/').filter(|p| !p.is_empty());
    match (parts.next(), parts.next()) {
        (Some(_), Some(entry)) => entry,
        (Some(file), None) => file,
        (None, _) => path,
    }
}

/// Whether files given by these paths are one folder that holds one build per entry: at least
/// two entries, each a subfolder or an archive (`.zip`, `.tar`, `.tar.gz`, `.tgz`, `.tar.zst`,
/// `.tzst`). A folder of plain logs may be one build's shards or iterations, so it is not.
pub fn folder_of_builds<'a>(paths: impl IntoIterator<Item = &'a str>) -> bool {
    let mut folder = None;
    let mut entries = std::collections::HashSet::new();
    for path in paths {
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        let (top, entry) = match parts.as_slice() {
            [top, entry, ..] => (*top, *entry),
            _ => return false,
        };
        if *folder.get_or_insert(top) != top {
            return false;
        }
        let subfolder = parts.len() > 2;
        let lower = entry.to_ascii_lowercase();
        let archive = [".zip", ".tar", ".tar.gz", ".tgz", ".tar.zst", ".tzst"].iter().any(|end| lower.ends_with(end));
        if !subfolder && !archive {
            return false;
        }
        entries.insert(entry);
    }
    entries.len() >= 2
}

/// Natural order: runs of ASCII digits compare as numbers (without leading zeros, then by
/// length), the rest byte by byte; ties by the bytes, so that it is a total order.
pub fn natural(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a.as_bytes(), b.as_bytes());
    loop {
        match (x.first(), y.first()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let (m, rest_x) = digits(x);
                let (n, rest_y) = digits(y);
                let (m, n) = (trim_zeros(m), trim_zeros(n));
                match m.len().cmp(&n.len()).then_with(|| m.cmp(n)) {
                    Ordering::Equal => (x, y) = (rest_x, rest_y),
                    other => return other,
                }
            }
            (Some(c), Some(d)) => match c.cmp(d) {
                Ordering::Equal => (x, y) = (&x[1..], &y[1..]),
                other => return other,
            },
        }
    }
}

fn digits(s: &[u8]) -> (&[u8], &[u8]) {
    let n = s.iter().take_while(|c| c.is_ascii_digit()).count();
    s.split_at(n)
}

fn trim_zeros(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|&&c| c == b'0').count();
    &s[n.min(s.len().saturating_sub(1))..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order_counts() {
        let mut names = vec!["build-10", "build-9", "build-1", "build-100", "build-09", "a", "build-2b", "build-2a"];
        names.sort_by(|a, b| natural(a, b));
        assert_eq!(names, ["a", "build-1", "build-2a", "build-2b", "build-09", "build-9", "build-10", "build-100"]);
    }

    #[test]
    fn a_file_is_the_build_of_its_folders_entry() {
        assert_eq!(build_of("ci/build-7/unit/a.log"), "build-7");
        assert_eq!(build_of("ci/build-8.zip"), "build-8.zip");
        assert_eq!(build_of("alone.log"), "alone.log");
        assert_eq!(build_of("/ci//build-9/x.log"), "build-9");
    }

    #[test]
    fn a_folder_of_subfolders_or_archives_is_of_builds() {
        assert!(folder_of_builds(["ci/build-1/a.log", "ci/build-1/b.log", "ci/build-2.tar.gz"]));
        assert!(!folder_of_builds(["ci/build-1/a.log"]), "one entry is one build");
        assert!(!folder_of_builds(["ci/a.log", "ci/b.log"]), "plain logs are shards");
        assert!(!folder_of_builds(["ci/build-1/a.log", "ci/notes.txt"]));
        assert!(!folder_of_builds(["ci/build-1/a.log", "other/build-2/a.log"]), "two folders");
        assert!(!folder_of_builds(["a.zip", "b.zip"]), "files dropped alone");
    }
}
