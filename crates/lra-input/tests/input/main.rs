//! The unpacker on archives and compressed files made by the real tools
//! (`tests/fixtures/archives/make.sh`): every member comes out named and byte for byte, whatever
//! the slices the input arrives in, and damage is reported by name with what came before kept.

use std::path::PathBuf;

use lra_input::{Kind, Sink, Unpacker};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

fn read(path: &str) -> Vec<u8> {
    std::fs::read(fixtures().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// What came out: each file's name, bytes and damage, and the problems.
#[derive(Debug, Default, PartialEq)]
struct Out {
    files: Vec<(String, Vec<u8>, Option<String>)>,
    problems: Vec<String>,
    open: bool,
}

impl Sink for Out {
    fn begin(&mut self, name: &str, _: bool) {
        assert!(!self.open, "{name} begun inside another file");
        self.open = true;
        self.files.push((name.to_owned(), Vec::new(), None));
    }

    fn data(&mut self, bytes: &[u8]) {
        assert!(self.open, "bytes outside a file");
        self.files.last_mut().unwrap().1.extend_from_slice(bytes);
    }

    fn end(&mut self, damage: Option<String>) {
        assert!(self.open, "end outside a file");
        self.open = false;
        self.files.last_mut().unwrap().2 = damage;
    }

    fn problem(&mut self, message: String) {
        self.problems.push(message);
    }
}

/// Unpacks `bytes` fed in slices of `chunk` bytes.
fn unpack(name: &str, bytes: &[u8], chunk: usize) -> (Out, Option<Kind>) {
    let mut out = Out::default();
    let mut u = Unpacker::new(name);
    for piece in bytes.chunks(chunk.max(1)) {
        u.feed(piece, &mut out);
    }
    let kind = u.kind();
    u.finish(&mut out);
    assert!(!out.open, "a file was left open");
    (out, kind)
}

/// Unpacks the fixture whole, checks that every slicing gives the same, and returns it.
fn unpack_fixture(path: &str) -> Out {
    let bytes = read(path);
    let (whole, _) = unpack(path, &bytes, bytes.len());
    for chunk in (1..=40).chain([511, 512, 513, 4096]) {
        assert_eq!(unpack(path, &bytes, chunk).0, whole, "{path} in slices of {chunk}");
    }
    whole
}

fn seed() -> Vec<u8> {
    read("seed-sample.log")
}

fn messy() -> Vec<u8> {
    read("messy.log")
}

const LONG: &str = "a-folder-name-long-enough-that-the-whole-path-passes-one-hundred-bytes-of-ustar-name";

/// The members of the `logs/` tree the archive fixtures hold, in the order the tools wrote them.
fn tree(archive: &str) -> Vec<(String, Vec<u8>, Option<String>)> {
    vec![
        (format!("{archive}/logs/job-1/seed.log"), seed(), None),
        (format!("{archive}/logs/job-2/{LONG}/messy.log"), messy(), None),
        (format!("{archive}/logs/job-2/seed.log.gz"), seed(), None),
    ]
}

#[test]
fn a_plain_log_is_one_file_as_it_is() {
    let bytes = seed();
    let (out, kind) = unpack("seed.log", &bytes, 7);
    assert_eq!(kind, Some(Kind::Plain));
    assert_eq!(out.files, [("seed.log".to_owned(), bytes, None)]);
}

#[test]
fn an_empty_file_is_a_file_with_nothing_in_it() {
    let (out, _) = unpack("empty.log", b"", 1);
    assert_eq!(out.files, [("empty.log".to_owned(), Vec::new(), None)]);
}

#[test]
fn a_short_log_that_starts_like_a_magic_is_plain() {
    let (out, _) = unpack("odd.log", b"PK", 1);
    assert_eq!(out.files, [("odd.log".to_owned(), b"PK".to_vec(), None)]);
}

#[test]
fn gzip_is_decompressed_under_the_file_name() {
    let out = unpack_fixture("archives/seed.log.gz");
    assert_eq!(out.files, [("archives/seed.log.gz".to_owned(), seed(), None)]);
    assert!(out.problems.is_empty());
}

#[test]
fn gzip_members_one_after_another_are_one_stream() {
    let out = unpack_fixture("archives/two-members.log.gz");
    assert_eq!(out.files, [("archives/two-members.log.gz".to_owned(), [seed(), messy()].concat(), None)]);
}

#[test]
fn zstd_frames_and_skippable_frames() {
    let one = unpack_fixture("archives/seed.log.zst");
    assert_eq!(one.files, [("archives/seed.log.zst".to_owned(), seed(), None)]);
    let two = unpack_fixture("archives/two-frames.log.zst");
    assert_eq!(two.files, [("archives/two-frames.log.zst".to_owned(), [seed(), messy()].concat(), None)]);
}

#[test]
fn tar_members_are_named_inside_the_archive_long_names_too() {
    let out = unpack_fixture("archives/logs.tar");
    assert_eq!(out.files, tree("archives/logs.tar"));
    assert!(out.problems.is_empty(), "{:?}", out.problems);
}

#[test]
fn pax_tar_inside_gzip() {
    let out = unpack_fixture("archives/logs-pax.tar.gz");
    assert_eq!(out.files, tree("archives/logs-pax.tar.gz"));
}

#[test]
fn tar_inside_zstd() {
    let out = unpack_fixture("archives/logs.tar.zst");
    assert_eq!(out.files, tree("archives/logs.tar.zst"));
}

#[test]
fn zip_members_deflated_with_a_gzipped_member_inside() {
    let out = unpack_fixture("archives/logs.zip");
    assert_eq!(out.files, tree("archives/logs.zip"));
    assert!(out.problems.is_empty(), "{:?}", out.problems);
}

#[test]
fn zip64_headers() {
    let out = unpack_fixture("archives/logs-zip64.zip");
    let mut expected = tree("archives/logs-zip64.zip");
    expected.remove(1);
    assert_eq!(out.files, expected);
}

#[test]
fn a_zip_entry_written_from_a_pipe_with_a_data_descriptor() {
    let out = unpack_fixture("archives/streamed.zip");
    assert_eq!(out.files, [("archives/streamed.zip/-".to_owned(), seed(), None)]);
    assert!(out.problems.is_empty(), "{:?}", out.problems);
}

#[test]
fn a_tar_gz_inside_a_zip() {
    let out = unpack_fixture("archives/nested.zip");
    assert_eq!(out.files, [("archives/nested.zip/bundle.tar.gz/logs/job-1/seed.log".to_owned(), seed(), None)]);
}

#[test]
fn a_truncated_gzip_keeps_what_came_before_and_says_so() {
    let out = unpack_fixture("archives/truncated.log.gz");
    let [(name, bytes, damage)] = &out.files[..] else { panic!("{:?}", out.files) };
    assert_eq!(name, "archives/truncated.log.gz");
    let whole = [seed(), messy()].concat();
    assert!(bytes.len() > seed().len() && bytes.len() < whole.len(), "{} bytes", bytes.len());
    assert_eq!(bytes[..], whole[..bytes.len()]);
    assert!(damage.as_deref().unwrap().contains("truncated"), "{damage:?}");
}

#[test]
fn a_corrupt_gzip_is_reported_with_the_reason() {
    let out = unpack_fixture("archives/corrupt.log.gz");
    let [(_, bytes, Some(damage))] = &out.files[..] else { panic!("{:?}", out.files) };
    assert!(damage.contains("corrupt"), "{damage}");
    assert_eq!(bytes[..], seed()[..bytes.len()]);
}

/// Each byte of compressed fixtures changed in turn: fed whole or a byte at a time, the same
/// bytes come out before the damage, with the same reason. The fuzzers found two ways this
/// broke: zlib-rs's fast path, taken on a whole input, went on as if nothing were wrong, so the
/// bytes made before the damage were dropped and the next call named none; and zstd damage was
/// placed by how far the decoder had read, which depends on the slices.
#[test]
fn damage_reads_the_same_whatever_the_slices() {
    for path in ["archives/seed.log.gz", "archives/two-members.log.gz", "archives/seed.log.zst", "archives/logs.zip"] {
        let bytes = read(path);
        for at in 10..bytes.len() - 8 {
            let mut damaged = bytes.clone();
            damaged[at] ^= 0x55;
            let (whole, _) = unpack(path, &damaged, damaged.len());
            assert_eq!(unpack(path, &damaged, 1).0, whole, "{path} with byte {at} changed, fed a byte at a time");
        }
    }
}

/// A zstd frame whose block header claims more than 128 KiB (found by the fuzzers): its damage
/// is placed by the frame's start, not by how far the decoder had read, which depends on the
/// slices.
#[test]
fn zstd_damage_is_placed_by_its_frame_whatever_the_slices() {
    let bytes =
        [0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0xf2, 0x0d, 0x4f, 0xc7, 0x72, 0x3f, 0xae, 0x18, 0, 0, 0, 0];
    let (whole, _) = unpack("bad.zst", &bytes, bytes.len());
    for chunk in 1..bytes.len() {
        assert_eq!(unpack("bad.zst", &bytes, chunk).0, whole, "in slices of {chunk}");
    }
    let damage = whole.files[0].2.as_deref().unwrap();
    assert!(damage.starts_with("corrupt zstd data in frame 1, which starts at byte 0 ("), "{damage}");
}

#[test]
fn a_truncated_zip_keeps_its_whole_members_and_flags_the_cut_one() {
    // Cut in the middle of messy.log's compressed bytes.
    let out = unpack_fixture("archives/truncated.zip");
    let expected = tree("archives/truncated.zip");
    assert_eq!(out.files.len(), 2, "{:?}", out.files);
    assert_eq!(out.files[0], expected[0]);
    let (name, bytes, damage) = &out.files[1];
    assert_eq!(name, &expected[1].0);
    assert_eq!(bytes[..], expected[1].1[..bytes.len()]);
    assert_eq!(damage.as_deref(), Some("truncated: the zip archive ends inside this member"));
}

#[test]
fn a_truncated_tar_keeps_its_whole_members_and_flags_the_cut_one() {
    let out = unpack_fixture("archives/truncated.tar");
    let expected = tree("archives/truncated.tar");
    assert_eq!(out.files[0], expected[0]);
    let told = out.files.iter().any(|f| f.2.as_deref().is_some_and(|d| d.contains("truncated")))
        || out.problems.iter().any(|p| p.contains("truncated"));
    assert!(told, "{out:?}");
}

#[test]
fn a_corrupt_tar_header_is_a_problem_after_the_members_before_it() {
    let mut bytes = read("archives/logs.tar");
    // The header of the second member (after logs/, logs/job-1/ and seed.log's 3 blocks).
    let second = bytes.windows(10).position(|w| w == b"logs/job-2").unwrap();
    bytes[second + 20] ^= 0x55;
    let (out, _) = unpack("bad.tar", &bytes, 1000);
    assert_eq!(out.files[0].0, "bad.tar/logs/job-1/seed.log");
    assert_eq!(out.files.len(), 1);
    assert_eq!(out.problems.len(), 1);
    assert!(out.problems[0].contains("not a valid tar header"), "{:?}", out.problems);
    assert!(out.problems[0].contains("after bad.tar/logs/job-1/seed.log"), "{:?}", out.problems);
}

#[test]
fn a_zip_member_whose_crc_does_not_match_is_flagged() {
    let mut bytes = read("archives/streamed.zip");
    // The data descriptor's CRC follows the deflate data: change it.
    let at = bytes.windows(4).position(|w| w == b"PK\x07\x08").unwrap();
    bytes[at + 4] ^= 1;
    let (out, _) = unpack("crc.zip", &bytes, 64);
    assert_eq!(out.files[0].1, seed());
    assert_eq!(out.files[0].2.as_deref(), Some("corrupt: its CRC does not match"));
}

#[test]
fn compressions_we_do_not_decode_are_named() {
    let (out, kind) = unpack("x.log.xz", b"\xfd7zXZ\x00\x00\x04rest", 3);
    assert_eq!(kind, Some(Kind::Xz));
    let [(name, bytes, Some(damage))] = &out.files[..] else { panic!("{:?}", out.files) };
    assert_eq!((name.as_str(), bytes.len()), ("x.log.xz", 0));
    assert!(damage.contains("xz compression is not supported"), "{damage}");
}

#[test]
fn gzip_nested_in_itself_stops_at_the_depth_limit() {
    use std::io::Write;
    let mut bytes = b"Test: a\nResult: PASS\n".to_vec();
    for _ in 0..12 {
        let mut e = flate2_like::gzip(&bytes);
        std::mem::swap(&mut bytes, &mut e);
        let _ = std::io::sink().write(&e);
    }
    let (out, _) = unpack("deep.gz", &bytes, 4096);
    let [(_, _, Some(damage))] = &out.files[..] else { panic!("{:?}", out.files) };
    assert!(damage.contains("nested too deeply"), "{damage}");
}

/// gzip made by the gzip tool, for the nesting test.
mod flate2_like {
    use std::io::Write;
    use std::process::{Command, Stdio};

    pub fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut child =
            Command::new("gzip").args(["-n", "-c"]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
        child.stdin.take().unwrap().write_all(bytes).unwrap();
        child.wait_with_output().unwrap().stdout
    }
}

#[test]
fn input_cut_short_ends_the_file_being_read_with_the_reason_even_before_it_is_sniffed() {
    let mut out = Out::default();
    let mut u = Unpacker::new("half.log");
    u.feed(b"Test: a\nResult: PASS\n", &mut out);
    u.cut_short("NotReadableError", &mut out);
    assert_eq!(
        out.files,
        [(
            "half.log".to_owned(),
            b"Test: a\nResult: PASS\n".to_vec(),
            Some("could not be read to its end: NotReadableError".to_owned())
        )]
    );
    // Inside an archive, the member being read is the one cut.
    let tar = read("archives/logs.tar");
    let mut out = Out::default();
    let mut u = Unpacker::new("logs.tar");
    u.feed(&tar[..2000], &mut out);
    u.cut_short("gone", &mut out);
    assert_eq!(out.files.len(), 1);
    assert_eq!(out.files[0].0, "logs.tar/logs/job-1/seed.log");
    assert_eq!(out.files[0].2.as_deref(), Some("could not be read to its end: gone"));
}

// Budgets (docs/design.md §1, "Inputs: compression and archives"): an input's members and
// their names are bounded, and long names are kept cut.

/// A tar header block: `name`, type `kind`, `size` bytes, its checksum filled in.
fn tar_header(name: &[u8], kind: u8, size: usize) -> Vec<u8> {
    let mut h = vec![0u8; 512];
    h[..name.len()].copy_from_slice(name);
    h[100..107].copy_from_slice(b"0000644");
    h[124..135].copy_from_slice(format!("{size:011o}").as_bytes());
    h[156] = kind;
    h[257..263].copy_from_slice(b"ustar\0");
    h[148..156].copy_from_slice(b"        ");
    let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
    h[148..155].copy_from_slice(format!("{sum:06o}\0").as_bytes());
    h
}

/// `data` padded to whole blocks.
fn blocks(data: &[u8]) -> Vec<u8> {
    let mut b = data.to_vec();
    b.resize(data.len().div_ceil(512) * 512, 0);
    b
}

/// A member named by a GNU long name (`L`), holding `content`.
fn long_named_member(name: &[u8], content: &[u8]) -> Vec<u8> {
    let mut name0 = name.to_vec();
    name0.push(0);
    let mut out = tar_header(b"././@LongLink", b'L', name0.len());
    out.extend(blocks(&name0));
    out.extend(tar_header(b"short", b'0', content.len()));
    out.extend(blocks(content));
    out
}

#[test]
fn a_tar_of_long_names_keeps_each_cut_and_apart() {
    // Names of about 1 MiB that differ in their last byte. The hashes are of the whole member
    // name, `(printf 't.tar/'; head -c 1048000 /dev/zero | tr '\0' a; printf 0) | sha256sum`.
    let log = b"Test: x\nResult: PASS\n";
    let mut tar = Vec::new();
    for last in *b"01" {
        let mut name = vec![b'a'; 1_048_000];
        name.push(last);
        tar.extend(long_named_member(&name, log));
    }
    tar.extend([0u8; 1024]);
    let (out, _) = unpack("t.tar", &tar, 64 << 10);
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    let expected = [
        "cedfd7e2679bb0bed790e1288b6e99e3d550f9054df3bbf8eea4b244217c454f",
        "19e0d35fe749cf07bd77f1d4353471475116916ca1850ea1c79b470e3d381cf6",
    ];
    assert_eq!(out.files.len(), 2);
    for ((name, bytes, damage), hash) in out.files.iter().zip(expected) {
        let (kept, cut) = lra_core::split_cut(name);
        assert_eq!(kept, format!("t.tar/{}", "a".repeat(4090)));
        let cut = cut.expect("cut");
        assert_eq!((cut.bytes, cut.sha256_hex().as_str()), (6 + 1_048_001, hash));
        assert_eq!((&bytes[..], damage), (&log[..], &None));
    }
}

/// Counts what comes out, holding nothing.
#[derive(Default)]
struct Count {
    files: u64,
    problems: Vec<String>,
}

impl Sink for Count {
    fn begin(&mut self, _: &str, _: bool) {
        self.files += 1;
    }
    fn data(&mut self, _: &[u8]) {}
    fn end(&mut self, _: Option<String>) {}
    fn problem(&mut self, message: String) {
        self.problems.push(message);
    }
}

#[test]
fn an_input_holds_at_most_100_000_members_and_the_rest_is_damage() {
    let mut out = Count::default();
    let mut u = Unpacker::new("many.tar");
    let empty = tar_header(b"e.log", b'0', 0);
    for _ in 0..100_001 {
        u.feed(&empty, &mut out);
    }
    u.feed(&[0u8; 1024], &mut out);
    u.finish(&mut out);
    assert_eq!(out.files, 100_000);
    assert_eq!(out.problems.len(), 1);
    let p = &out.problems[0];
    assert!(p.starts_with("many.tar: more than 100000 archive members in one input at byte 51200000"), "{p}");
    assert!(p.ends_with("; the rest of the archive is not read"), "{p}");
}

#[test]
fn member_names_past_64_mib_in_all_are_not_read() {
    // Each name is `n.tar/` and 4,200 bytes: 4,206 in all, kept as 4,096 bytes and ` … (cut:
    // 4206 bytes, sha256 <64 hex>)` (95 bytes): 4,191 bytes. 64 MiB hold 16,012 of them.
    let mut out = Count::default();
    let mut u = Unpacker::new("n.tar");
    for i in 0..16_013u32 {
        let mut name = vec![b'n'; 4200 - 8];
        name.extend(format!("{i:08}").as_bytes());
        u.feed(&long_named_member(&name, b""), &mut out);
    }
    u.finish(&mut out);
    assert_eq!(out.files, 16_012);
    assert_eq!(out.problems.len(), 1, "{:?}", out.problems);
    assert!(out.problems[0].contains("archive members' names of more than 64 MiB in one input"), "{:?}", out.problems);
}

#[test]
fn nested_archives_share_their_input_s_member_budget() {
    // An outer tar of two inner tars of 60,000 empty members each: 120,002 members in one input,
    // the inner tars among them. The first 100,000 are read (the first inner tar and its 60,000,
    // the second and 39,998 of its), then the second inner tar is damaged there.
    let mut out = Count::default();
    let mut u = Unpacker::new("outer.tar");
    let inner_len = 60_000 * 512 + 1024;
    let empty = tar_header(b"e.log", b'0', 0);
    for i in 0..2 {
        u.feed(&tar_header(format!("inner-{i}.tar").as_bytes(), b'0', inner_len), &mut out);
        for _ in 0..60_000 {
            u.feed(&empty, &mut out);
        }
        u.feed(&[0u8; 1024], &mut out);
    }
    u.feed(&[0u8; 1024], &mut out);
    u.finish(&mut out);
    assert_eq!(out.files, 60_000 + 39_998);
    assert_eq!(out.problems.len(), 1, "{:?}", out.problems);
    assert!(
        out.problems[0].starts_with("outer.tar/inner-1.tar: more than 100000 archive members"),
        "{:?}",
        out.problems
    );
}
