//! The unpacker: a tree of layers, each decoding its input and handing its output on, with a
//! sniffing node wherever a new stream starts (the file itself, a gzip member's content, each
//! archive entry).

use crate::sniff::{HEAD_LEN, Kind, sniff};
use crate::{gzip::Gzip, tar::Tar, zip::Zip, zstd::Zstd};

/// Archives and compression nest at most this deep (a zip of a tar.gz is 4 deep), so that a
/// crafted file cannot recurse without end.
const MAX_DEPTH: u8 = 8;

/// One input (a file, stdin, an object) holds at most this many archive members, its archives
/// and those nested in them together: past it, the rest of the archive is not read.
pub const MAX_MEMBERS: u64 = 100_000;

/// ...and member names of at most this many bytes in all, each name cut first at
/// [`lra_core::CUT_BYTES`], so that the names a small compressed archive holds cannot fill the
/// memory: 64 MiB.
pub const MAX_MEMBER_NAME_BYTES: u64 = 64 << 20;

/// What one input's archives have used of [`MAX_MEMBERS`] and [`MAX_MEMBER_NAME_BYTES`],
/// shared by every layer of the input.
#[derive(Clone, Default)]
pub(crate) struct Budget(std::sync::Arc<std::sync::Mutex<(u64, u64)>>);

impl Budget {
    /// A member's name, `archive/path` cut as a summary keeps it, once counted; `Err` with the
    /// reason when the input holds too many members or names.
    pub(crate) fn member(&self, archive: &str, path: &str) -> Result<String, String> {
        let name = lra_core::cut_text(&format!("{archive}/{path}")).into_owned();
        let mut used = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if used.0 >= MAX_MEMBERS {
            return Err(format!("more than {MAX_MEMBERS} archive members in one input"));
        }
        if used.1 + name.len() as u64 > MAX_MEMBER_NAME_BYTES {
            return Err(format!(
                "archive members' names of more than {} MiB in one input",
                MAX_MEMBER_NAME_BYTES >> 20
            ));
        }
        *used = (used.0 + 1, used.1 + name.len() as u64);
        Ok(name)
    }
}

/// Where the unpacked files go. Each file is `begin`, its bytes in order, then `end`; files
/// never overlap.
pub trait Sink {
    /// A file starts: the input itself, or a member of an archive (`build.zip/job-3/test.log`).
    fn begin(&mut self, name: &str);
    /// The file's next bytes.
    fn data(&mut self, bytes: &[u8]);
    /// The file ended. `damage` says why it ended early (corrupt, truncated, not supported):
    /// the bytes before it were still given.
    fn end(&mut self, damage: Option<String>);
    /// Damage that no file being read owns, such as an archive's broken header between two
    /// members: the members before it were read, those after it could not be.
    fn problem(&mut self, message: String);
}

/// Unpacks one input given in slices cut anywhere; see the crate's documentation.
pub struct Unpacker {
    root: Node,
}

impl Unpacker {
    /// An unpacker for the input called `name`.
    pub fn new(name: &str) -> Unpacker {
        Unpacker { root: Node::new(name.to_owned(), 0, Budget::default()) }
    }

    /// The input's next bytes.
    pub fn feed(&mut self, bytes: &[u8], sink: &mut dyn Sink) {
        self.root.feed(bytes, sink);
    }

    /// The input ended.
    pub fn finish(mut self, sink: &mut dyn Sink) {
        self.root.finish(None, sink);
    }

    /// The input could not be read to its end, for `reason`: what was read of it still counts,
    /// and the file being read ends with the reason.
    pub fn cut_short(mut self, reason: &str, sink: &mut dyn Sink) {
        self.root.finish(Some(format!("could not be read to its end: {reason}")), sink);
    }

    /// What the input turned out to be, once its first bytes were seen.
    pub fn kind(&self) -> Option<Kind> {
        match &self.root.state {
            NodeState::Sniffing(_) => None,
            NodeState::Open(kind, _) => Some(*kind),
        }
    }
}

/// The message for damage between an archive's members: where, after which member, and that
/// the members after it could not be read.
pub(crate) fn archive_damage(archive: &str, reason: &str, offset: u64, last: Option<&str>) -> String {
    let after = last.map_or(String::new(), |m| format!(" after {m}"));
    format!("{archive}: {reason} at byte {offset}{after}; the rest of the archive is not read")
}

/// A decoder of one stream, handing its output on.
pub(crate) trait Layer: Send {
    /// The stream's next bytes.
    fn feed(&mut self, bytes: &[u8], sink: &mut dyn Sink);
    /// The stream ended; `damage` when it ended early because the stream it comes from was
    /// damaged.
    fn finish(&mut self, damage: Option<String>, sink: &mut dyn Sink);
}

/// Where a stream starts: it waits for the first bytes, then opens the layer they call for.
pub(crate) struct Node {
    name: String,
    depth: u8,
    budget: Budget,
    state: NodeState,
}

enum NodeState {
    Sniffing(Vec<u8>),
    Open(Kind, Box<dyn Layer>),
}

impl Node {
    /// A stream called `name`, `depth` layers into the input whose archives share `budget`.
    pub(crate) fn new(name: String, depth: u8, budget: Budget) -> Node {
        Node { name, depth, budget, state: NodeState::Sniffing(Vec::new()) }
    }

    pub(crate) fn feed(&mut self, bytes: &[u8], sink: &mut dyn Sink) {
        match &mut self.state {
            NodeState::Open(_, layer) => layer.feed(bytes, sink),
            NodeState::Sniffing(head) => {
                if head.is_empty()
                    && let Some(kind) = sniff(bytes, false)
                {
                    // The usual case: the first slice tells, and nothing need be copied.
                    self.open(kind, sink).feed(bytes, sink);
                    return;
                }
                head.extend_from_slice(bytes);
                if let Some(kind) = sniff(head, head.len() >= HEAD_LEN) {
                    let head = std::mem::take(head);
                    self.open(kind, sink).feed(&head, sink);
                }
            }
        }
    }

    pub(crate) fn finish(&mut self, damage: Option<String>, sink: &mut dyn Sink) {
        if let NodeState::Sniffing(head) = &mut self.state {
            let head = std::mem::take(head);
            let kind = sniff(&head, true).unwrap_or(Kind::Plain);
            self.open(kind, sink).feed(&head, sink);
        }
        if let NodeState::Open(_, layer) = &mut self.state {
            layer.finish(damage, sink);
        }
    }

    fn open(&mut self, kind: Kind, sink: &mut dyn Sink) -> &mut dyn Layer {
        let (name, inner, budget) = (self.name.clone(), self.depth + 1, self.budget.clone());
        let layer: Box<dyn Layer> = if inner > MAX_DEPTH && kind != Kind::Plain {
            Box::new(Refused::new(name, "archives and compression nested too deeply", sink))
        } else {
            match kind {
                Kind::Plain => Box::new(Plain::new(&name, sink)),
                Kind::Gzip => Box::new(Gzip::new(Node::new(name, inner, budget))),
                Kind::Zstd => Box::new(Zstd::new(Node::new(name, inner, budget))),
                Kind::Tar => Box::new(Tar::new(name, inner, budget)),
                Kind::Zip => Box::new(Zip::new(name, inner, budget)),
                Kind::Bzip2 | Kind::Xz => Box::new(Refused::new(
                    name,
                    &format!("{} compression is not supported: decompress the file first", kind.as_str()),
                    sink,
                )),
            }
        };
        self.state = NodeState::Open(kind, layer);
        match &mut self.state {
            NodeState::Open(_, layer) => layer.as_mut(),
            NodeState::Sniffing(_) => unreachable!("just opened"),
        }
    }
}

/// A stream that is a file of the summary as it is.
struct Plain;

impl Plain {
    fn new(name: &str, sink: &mut dyn Sink) -> Plain {
        sink.begin(name);
        Plain
    }
}

impl Layer for Plain {
    fn feed(&mut self, bytes: &[u8], sink: &mut dyn Sink) {
        sink.data(bytes);
    }

    fn finish(&mut self, damage: Option<String>, sink: &mut dyn Sink) {
        sink.end(damage);
    }
}

/// A stream that cannot be read: it is a file with nothing in it, ended with the reason.
struct Refused;

impl Refused {
    fn new(name: String, reason: &str, sink: &mut dyn Sink) -> Refused {
        sink.begin(&name);
        sink.end(Some(reason.to_owned()));
        Refused
    }
}

impl Layer for Refused {
    fn feed(&mut self, _: &[u8], _: &mut dyn Sink) {}

    fn finish(&mut self, _: Option<String>, _: &mut dyn Sink) {}
}
