//! What the unpacker's layers share, below them all: the [`Layer`] each decoder is, the [`Sink`]
//! the files go to, the [`Budget`] of members an input's archives share, and how a decoder opens
//! the stream of a member it found ([`OpenMember`]), so that the decoders never name the
//! unpacker that names them.

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
    /// A file starts: the input itself (`is_member` false: its bytes are the input's own), or a
    /// member, decoded: a compressed file's content or an archive's member
    /// (`build.zip/job-3/test.log`).
    fn begin(&mut self, name: &str, is_member: bool);
    /// The file's next bytes.
    fn data(&mut self, bytes: &[u8]);
    /// The file ended. `damage` says why it ended early (corrupt, truncated, not supported):
    /// the bytes before it were still given.
    fn end(&mut self, damage: Option<String>);
    /// Damage that no file being read owns, such as an archive's broken header between two
    /// members: the members before it were read, those after it could not be.
    fn problem(&mut self, message: String);
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

/// Opens the stream of an archive's member, called by its name: the unpacker gives each archive
/// layer this, which makes a sniffing node one layer deeper, sharing the input's budget.
pub(crate) type OpenMember = Box<dyn Fn(String) -> Box<dyn Layer> + Send>;
