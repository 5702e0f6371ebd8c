//! The unpacker: a tree of layers, each decoding its input and handing its output on, with a
//! sniffing node wherever a new stream starts (the file itself, a gzip member's content, each
//! archive entry).

use crate::layer::{Budget, Layer, OpenMember, Sink};
use crate::sniff::{HEAD_LEN, Kind, sniff};
use crate::{gzip::Gzip, tar::Tar, zip::Zip, zstd::Zstd};

/// Archives and compression nest at most this deep (a zip of a tar.gz is 4 deep), so that a
/// crafted file cannot recurse without end.
const MAX_DEPTH: u8 = 8;

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

    /// Opens each member of an archive `depth` layers in as a node of its own.
    fn opener(depth: u8, budget: Budget) -> OpenMember {
        Box::new(move |name| Box::new(Node::new(name, depth, budget.clone())))
    }
}

impl Layer for Node {
    fn feed(&mut self, bytes: &[u8], sink: &mut dyn Sink) {
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

    fn finish(&mut self, damage: Option<String>, sink: &mut dyn Sink) {
        if let NodeState::Sniffing(head) = &mut self.state {
            let head = std::mem::take(head);
            let kind = sniff(&head, true).unwrap_or(Kind::Plain);
            self.open(kind, sink).feed(&head, sink);
        }
        if let NodeState::Open(_, layer) = &mut self.state {
            layer.finish(damage, sink);
        }
    }
}

impl Node {
    fn open(&mut self, kind: Kind, sink: &mut dyn Sink) -> &mut dyn Layer {
        let (name, inner, budget) = (self.name.clone(), self.depth + 1, self.budget.clone());
        let layer: Box<dyn Layer> = if inner > MAX_DEPTH && kind != Kind::Plain {
            Box::new(Refused::new(name, "archives and compression nested too deeply", sink))
        } else {
            match kind {
                Kind::Plain => Box::new(Plain::new(&name, self.depth > 0, sink)),
                Kind::Gzip => Box::new(Gzip::new(Box::new(Node::new(name, inner, budget)))),
                Kind::Zstd => Box::new(Zstd::new(Box::new(Node::new(name, inner, budget)))),
                Kind::Tar => Box::new(Tar::new(name, budget.clone(), Node::opener(inner, budget))),
                Kind::Zip => Box::new(Zip::new(name, budget.clone(), Node::opener(inner, budget))),
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
    /// `is_member`: the stream was decoded from the input (it is not the input itself).
    fn new(name: &str, is_member: bool, sink: &mut dyn Sink) -> Plain {
        sink.begin(name, is_member);
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
        // Never the input's own bytes as lines: what is refused is compressed or archived.
        sink.begin(&name, true);
        sink.end(Some(reason.to_owned()));
        Refused
    }
}

impl Layer for Refused {
    fn feed(&mut self, _: &[u8], _: &mut dyn Sink) {}

    fn finish(&mut self, _: Option<String>, _: &mut dyn Sink) {}
}
