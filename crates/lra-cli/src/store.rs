//! Logs in object storage: `s3://`, `gs://`, `az://` (and Azure's other URL forms) and
//! `http(s)://`, through the `object_store` crate (docs/design.md, rule 8, "Objects").
//!
//! A URL names one object, or a prefix whose objects are all read, in key order. Each object
//! is read as one streaming GET; a connection dropped mid-object is resumed by `object_store`
//! with a ranged GET from where it stopped, for the same version of the object (its ETag), up
//! to [`Config::retries`] times with backoff. The next few objects are fetched while one is
//! parsed, each through a small bounded channel, so memory stays flat however large the
//! objects are.
//!
//! Credentials come from the environment and the instance metadata, as `object_store` reads
//! them (`AWS_*`, `GOOGLE_*`, `AZURE_*`; the README says which sources it does not read). A
//! URL's user-info and query, which may hold credentials or a signature, never reach a name or
//! a message ([`crate::object_url::shown_url`], [`Secrets`]). Plain HTTP is refused unless allowed
//! (`--allow-http`, `AWS_ALLOW_HTTP`).

use std::collections::VecDeque;
use std::io::{self, Read};
use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use futures::StreamExt;
use object_store::azure::AzureConfigKey;
use object_store::gcp::GoogleConfigKey;
use object_store::path::Path;
use object_store::{
    BackoffConfig, ClientConfigKey, GetOptions, ObjectMeta, ObjectStore, ObjectStoreExt, ObjectStoreScheme,
    RetryConfig, WriteMultipart,
};
use tokio::sync::mpsc;
use url::Url;

/// How many objects are fetched at once: the one being parsed and the next ones.
const FETCHED_AT_ONCE: usize = 4;

/// How many received pieces of an object wait for the parser, at most (each is what one read
/// of the connection gave: kilobytes).
const PIECES_AHEAD: usize = 64;

/// A multipart upload's part size.
const PART: usize = 8 << 20;

/// Where the objects are, beyond what their URLs say.
#[derive(Clone, Debug)]
pub struct Config {
    /// The endpoint of an S3-compatible store (MinIO, Ceph): `--endpoint`, else
    /// `AWS_ENDPOINT_URL` as `object_store` reads it.
    pub endpoint: Option<String>,
    /// How many times a failed request, or a connection dropped mid-object, is tried again.
    pub retries: usize,
    /// Whether plain HTTP may be spoken (`--allow-http`); `AWS_ALLOW_HTTP` allows it too.
    pub allow_http: bool,
}

/// Retries back off from 100 ms, doubling, to at most this.
const MAX_BACKOFF: std::time::Duration = std::time::Duration::from_secs(5);

impl Config {
    /// Whether plain HTTP is allowed: `--allow-http`, or `AWS_ALLOW_HTTP` set to a true value
    /// as `object_store` reads it.
    fn http_allowed(&self) -> bool {
        self.allow_http
            || std::env::var("AWS_ALLOW_HTTP")
                .is_ok_and(|v| ["1", "true", "on", "yes", "y"].contains(&v.to_ascii_lowercase().as_str()))
    }

    /// Refuses `url` if it speaks plain HTTP and that was not allowed; `what` says what it is
    /// when it is not the URL the message is about (an endpoint).
    fn check_http(&self, what: Option<&str>, url: &str) -> Result<(), String> {
        let plain = url.trim_start().get(..5).is_some_and(|scheme| scheme.eq_ignore_ascii_case("http:"));
        if !plain || self.http_allowed() {
            return Ok(());
        }
        let what = what.map(|what| format!("{what} {} is ", crate::object_url::shown_url(url.trim_start())));
        Err(format!(
            "{}plain HTTP (no TLS), which is refused: give --allow-http (or set AWS_ALLOW_HTTP=true) to allow it",
            what.unwrap_or_default()
        ))
    }

    fn retry(&self) -> RetryConfig {
        RetryConfig {
            backoff: BackoffConfig { max_backoff: MAX_BACKOFF, ..BackoffConfig::default() },
            max_retries: self.retries,
            retry_timeout: std::time::Duration::from_secs(180),
        }
    }
}

/// Whether `arg` is an object store's URL rather than a local path.
pub fn is_url(arg: &str) -> bool {
    ["s3://", "s3a://", "gs://", "az://", "adl://", "azure://", "abfs://", "abfss://", "http://", "https://"]
        .iter()
        .any(|scheme| arg.starts_with(scheme))
}

/// One object to read.
pub struct Object {
    store: Arc<dyn ObjectStore>,
    path: Path,
    /// Its URL, the name the summary gives it (without the given URL's user-info).
    pub name: String,
    version: Option<String>,
    secrets: Arc<Secrets>,
}

/// The parts of a URL that may be credentials (its user-info, its query): taken out of every
/// message about it, whatever form the store's client quotes them in.
#[derive(Default)]
struct Secrets(Vec<String>);

impl Secrets {
    fn of(url: &str, parsed: &Url) -> Secrets {
        let mut secrets = Vec::new();
        // The given URL's own spelling of them, found as crate::object_url::shown_url finds them.
        if let Some(scheme) = url.find("://") {
            let rest = &url[scheme + 3..];
            let authority = &rest[..rest.find(['/', '\\']).unwrap_or(rest.len())];
            let after = match authority.rfind('@') {
                Some(at) => {
                    secrets.push(authority[..at].to_owned());
                    secrets.extend(authority[..at].split(':').map(str::to_owned));
                    &rest[at + 1..]
                }
                None => rest,
            };
            if let Some(query) = after.find(['?', '#']) {
                secrets.push(after[query + 1..].to_owned());
            }
        }
        // The parser's spelling, percent-encoded, and the decoded one.
        let parts = [Some(parsed.username()), parsed.password(), parsed.query(), parsed.fragment()];
        for part in parts.into_iter().flatten() {
            secrets.push(part.to_owned());
            if let Ok(decoded) = percent_decode(part) {
                secrets.push(decoded);
            }
        }
        // Short ones would take out ordinary words; the longest first, so that none is left
        // in part.
        secrets.retain(|s| s.len() >= 4);
        secrets.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        secrets.dedup();
        Secrets(secrets)
    }

    /// `message` without the secrets: a user-info before its `@` is left out, any other
    /// secret replaced by `…`.
    fn scrub(&self, message: String) -> String {
        let mut message = message;
        for secret in &self.0 {
            if message.contains(secret.as_str()) {
                message = message.replace(&format!("{secret}@"), "").replace(secret.as_str(), "…");
            }
        }
        message
    }
}

/// `%XX` sequences decoded, if the result is UTF-8.
fn percent_decode(s: &str) -> Result<String, std::string::FromUtf8Error> {
    let bytes = s.as_bytes();
    let (mut out, mut i) = (Vec::with_capacity(bytes.len()), 0);
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out)
}

/// The runtime every request runs on: two threads are plenty for a few streams at once.
fn runtime() -> io::Result<&'static tokio::runtime::Runtime> {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    if let Some(rt) = RUNTIME.get() {
        return Ok(rt);
    }
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    Ok(RUNTIME.get_or_init(|| rt))
}

/// Where a URL points.
struct Located {
    /// The store it is in.
    store: Arc<dyn ObjectStore>,
    /// The path it names in that store.
    path: Path,
    /// The URL of the store's root, as objects are named by (without user-info).
    base: String,
    /// What to keep out of messages.
    secrets: Arc<Secrets>,
}

/// The store `url` is in, and where in it.
fn store_for(url: &str, config: &Config) -> Result<Located, String> {
    let parsed = Url::parse(url).map_err(|e| format!("not a URL: {e}"))?;
    let secrets = Arc::new(Secrets::of(url, &parsed));
    let failed = |e: object_store::Error| secrets.scrub(describe(&e));
    let (scheme, path) = ObjectStoreScheme::parse(&parsed).map_err(|e| format!("not an object store's URL: {e}"))?;
    let path = Path::parse(path).map_err(|e| secrets.scrub(format!("not an object's path: {e}")))?;
    config.check_http(None, url)?;
    let allow_http = ClientConfigKey::AllowHttp;
    let store: Arc<dyn ObjectStore> = match scheme {
        ObjectStoreScheme::AmazonS3 => {
            let mut b = object_store::aws::AmazonS3Builder::from_env().with_url(url).with_retry(config.retry());
            let endpoint = config
                .endpoint
                .clone()
                .or_else(|| ["AWS_ENDPOINT_URL", "AWS_ENDPOINT"].into_iter().find_map(|k| std::env::var(k).ok()));
            if let Some(endpoint) = endpoint {
                config.check_http(Some("the endpoint"), &endpoint)?;
                b = b.with_endpoint(endpoint);
            }
            if config.http_allowed() {
                b = b.with_allow_http(true);
            }
            Arc::new(b.build().map_err(failed)?)
        }
        ObjectStoreScheme::GoogleCloudStorage => {
            let mut b =
                object_store::gcp::GoogleCloudStorageBuilder::from_env().with_url(url).with_retry(config.retry());
            if config.http_allowed() {
                b = b.with_config(GoogleConfigKey::Client(allow_http), "true");
            }
            Arc::new(b.build().map_err(failed)?)
        }
        ObjectStoreScheme::MicrosoftAzure => {
            let mut b = object_store::azure::MicrosoftAzureBuilder::from_env().with_url(url).with_retry(config.retry());
            if config.http_allowed() {
                b = b.with_config(AzureConfigKey::Client(allow_http), "true");
            }
            Arc::new(b.build().map_err(failed)?)
        }
        ObjectStoreScheme::Http => Arc::new(
            object_store::http::HttpBuilder::new()
                .with_url(&parsed[..url::Position::BeforePath])
                .with_config(allow_http, config.http_allowed().to_string())
                .with_retry(config.retry())
                .build()
                .map_err(failed)?,
        ),
        other => return Err(format!("{other:?} URLs are not read here")),
    };
    let base = crate::object_url::shown_url(&parsed[..url::Position::BeforePath]);
    Ok(Located { store, path, base, secrets })
}

/// The objects `url` names, in key order: the object itself, or every object under the
/// prefix (a URL that ends with `/`, or that names no object).
pub fn list(url: &str, config: &Config) -> Result<Vec<Object>, String> {
    let Located { store, path, base, secrets } = store_for(url, config)?;
    let rt = runtime().map_err(|e| format!("cannot start the network runtime: {e}"))?;
    let object = |meta: ObjectMeta| Object {
        store: store.clone(),
        name: format!("{base}/{}", meta.location),
        path: meta.location,
        version: meta.version,
        secrets: secrets.clone(),
    };
    let describe = |e: &object_store::Error| secrets.scrub(describe(e));
    rt.block_on(async {
        if !url.ends_with('/') && !path.as_ref().is_empty() {
            match store.head(&path).await {
                Ok(meta) => return Ok(vec![object(meta)]),
                Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(describe(&e)),
            }
        }
        let prefix = (!path.as_ref().is_empty()).then_some(&path);
        let mut metas: Vec<ObjectMeta> = Vec::new();
        let mut listing = store.list(prefix);
        while let Some(meta) = listing.next().await {
            metas.push(meta.map_err(|e| describe(&e))?);
        }
        if metas.is_empty() {
            return Err("no such object, and no object under it".to_owned());
        }
        metas.sort_by(|a, b| a.location.cmp(&b.location));
        Ok(metas.into_iter().map(object).collect())
    })
}

/// Reads `objects` in order: each comes with a reader of its bytes, while the next few are
/// already being fetched.
pub fn read_all(objects: Vec<Object>) -> io::Result<impl Iterator<Item = (String, ObjectReader)>> {
    let rt = runtime()?;
    let mut waiting: VecDeque<Object> = objects.into();
    let mut fetching: VecDeque<(String, ObjectReader)> = VecDeque::new();
    Ok(std::iter::from_fn(move || {
        while fetching.len() < FETCHED_AT_ONCE {
            let Some(object) = waiting.pop_front() else { break };
            let (tx, rx) = mpsc::channel(PIECES_AHEAD);
            let name = object.name.clone();
            rt.spawn(fetch(object, tx));
            fetching.push_back((name, ObjectReader { rx, piece: Bytes::new(), at: 0 }));
        }
        fetching.pop_front()
    }))
}

/// Streams `object` into `tx`, to its end, an error (sent), or until the reader is gone.
async fn fetch(object: Object, tx: mpsc::Sender<Result<Bytes, String>>) {
    let options = GetOptions { version: object.version.clone(), ..GetOptions::default() };
    let mut stream = match object.store.get_opts(&object.path, options).await {
        Ok(result) => result.into_stream(),
        Err(e) => {
            let _ = tx.send(Err(object.secrets.scrub(describe(&e)))).await;
            return;
        }
    };
    while let Some(piece) = stream.next().await {
        let piece = piece.map_err(|e| {
            let reason = object.secrets.scrub(describe(&e));
            format!("the connection dropped and could not be resumed: {reason}")
        });
        let failed = piece.is_err();
        if tx.send(piece).await.is_err() || failed {
            return;
        }
    }
}

/// The bytes of one object, as they arrive.
pub struct ObjectReader {
    rx: mpsc::Receiver<Result<Bytes, String>>,
    piece: Bytes,
    at: usize,
}

impl Read for ObjectReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at == self.piece.len() {
            match self.rx.blocking_recv() {
                None => return Ok(0),
                Some(Ok(piece)) => (self.piece, self.at) = (piece, 0),
                Some(Err(e)) => return Err(io::Error::other(e)),
            }
        }
        let n = buf.len().min(self.piece.len() - self.at);
        buf[..n].copy_from_slice(&self.piece[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// Bytes one ranged GET of an [`ObjectSource`] asks for.
const RANGE: u64 = 1 << 20;

/// One object read where asked, by ranged GETs of the version first seen: a
/// [`lra_input::lines::Source`], so that `lra show` reads an object's lines (or decodes a
/// compressed object up to them) without downloading it whole. Lines are read a few KiB at a
/// time: the last range fetched is kept.
pub struct ObjectSource {
    object: Object,
    size: u64,
    /// The range that starts at this offset, as fetched.
    kept: std::cell::RefCell<(u64, Bytes)>,
}

impl ObjectSource {
    /// The object `url` names itself (not the objects under a prefix), or `None` when there is
    /// no such object.
    pub fn open(url: &str, config: &Config) -> Result<Option<ObjectSource>, String> {
        let Located { store, path, base, secrets } = store_for(url, config)?;
        if url.ends_with('/') || path.as_ref().is_empty() {
            return Ok(None);
        }
        let rt = runtime().map_err(|e| format!("cannot start the network runtime: {e}"))?;
        let meta = match rt.block_on(store.head(&path)) {
            Ok(meta) => meta,
            Err(object_store::Error::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(secrets.scrub(describe(&e))),
        };
        let size = meta.size;
        let name = format!("{base}/{}", meta.location);
        let object = Object { store, name, path: meta.location, version: meta.version, secrets };
        Ok(Some(ObjectSource { object, size, kept: Default::default() }))
    }

    /// Its URL, the name a summary gives it (see [`Object::name`]).
    pub fn name(&self) -> &str {
        &self.object.name
    }

    /// The [`RANGE`] bytes from `start` (fewer at the end).
    fn fetch(&self, start: u64) -> Result<Bytes, String> {
        let o = &self.object;
        let range = start..start.saturating_add(RANGE).min(self.size);
        let options = GetOptions { range: Some(range.into()), version: o.version.clone(), ..GetOptions::default() };
        let rt = runtime().map_err(|e| format!("cannot start the network runtime: {e}"))?;
        rt.block_on(async { o.store.get_opts(&o.path, options).await?.bytes().await })
            .map_err(|e| o.secrets.scrub(describe(&e)))
    }
}

impl lra_input::lines::Source for ObjectSource {
    fn size(&self) -> u64 {
        self.size
    }

    fn read(&self, offset: u64, len: u64) -> Result<Vec<u8>, String> {
        let end = offset.saturating_add(len).min(self.size);
        let mut out = Vec::with_capacity(end.saturating_sub(offset) as usize);
        let mut at = offset;
        while at < end {
            let start = at - at % RANGE;
            let mut kept = self.kept.borrow_mut();
            if kept.0 != start || kept.1.is_empty() {
                *kept = (start, self.fetch(start)?);
            }
            let bytes = &kept.1;
            let to = ((end - start) as usize).min(bytes.len());
            let from = (at - start) as usize;
            if from >= to {
                // The object is shorter than it was: what is there is read.
                break;
            }
            out.extend_from_slice(&bytes[from..to]);
            at = start + to as u64;
        }
        Ok(out)
    }
}

/// Writes what `reader` holds to the object `url`, in parts, so that it is never held whole.
/// Once `reader` ends, `written` says whether what it held is whole: the object appears only
/// then. Otherwise, or if any part fails, the upload is aborted, so that no part is left
/// stored (and billed) in an upload that will never complete.
pub fn write(
    url: &str,
    config: &Config,
    mut reader: impl Read,
    written: impl FnOnce() -> Result<(), String>,
) -> Result<(), String> {
    let Located { store, path, secrets, .. } = store_for(url, config)?;
    let describe = |e: &object_store::Error| secrets.scrub(describe(e));
    let rt = runtime().map_err(|e| format!("cannot start the network runtime: {e}"))?;
    rt.block_on(async {
        let upload = store.put_multipart(&path).await.map_err(|e| describe(&e))?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART);
        let mut buf = vec![0; PART];
        let sent = async {
            loop {
                let n = reader.read(&mut buf).map_err(|e| e.to_string())?;
                if n == 0 {
                    return written();
                }
                writer.wait_for_capacity(2).await.map_err(|e| describe(&e))?;
                writer.write(&buf[..n]);
            }
        }
        .await;
        match sent {
            // finish() aborts the upload itself when a part or the completion fails.
            Ok(()) => writer.finish().await.map(drop).map_err(|e| describe(&e)),
            Err(e) => match writer.abort().await {
                Ok(()) => Err(e),
                Err(abort) => Err(format!("{e} (and the upload could not be aborted: {})", describe(&abort))),
            },
        }
    })
}

/// An error as a user can act on it: the store's own code and message when it sent them (S3's
/// and Azure's XML error bodies), else the first line of what the client says.
fn describe(e: &object_store::Error) -> String {
    let first_line = |s: String| -> String {
        if let Some(code) = between(&s, "<Code>", "</Code>") {
            let status = between(&s, "status code: ", ":").map(|st| format!(" (HTTP {st})")).unwrap_or_default();
            return match between(&s, "<Message>", "</Message>") {
                Some(message) => format!("{code}: {message}{status}"),
                None => format!("{code}{status}"),
            };
        }
        let line = s.lines().next().unwrap_or_default().to_owned();
        match line.char_indices().nth(300) {
            Some((i, _)) => format!("{}…", &line[..i]),
            None => line,
        }
    };
    match e {
        object_store::Error::NotFound { .. } => "no such object".to_owned(),
        object_store::Error::PermissionDenied { source, .. } => {
            format!("access denied ({})", first_line(source.to_string()))
        }
        object_store::Error::Unauthenticated { source, .. } => {
            format!("not authenticated: check the credentials ({})", first_line(source.to_string()))
        }
        other => first_line(other.to_string()),
    }
}

/// The text of `s` between the first `open` and the next `close`.
fn between<'a>(s: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = s.find(open)? + open.len();
    let len = s[start..].find(close)?;
    Some(&s[start..start + len])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::object_url::shown_url;

    #[test]
    fn a_url_is_shown_without_its_user_info_query_and_fragment() {
        for (url, shown) in [
            ("https://user:token@host/a.log?X-Amz-Signature=abc#frag", "https://host/a.log"),
            ("s3://key:secret@bucket/logs/", "s3://bucket/logs/"),
            ("https://TOKEN@host:8443/a", "https://host:8443/a"),
            // A URL parser ends the authority at the first `/` or `\`, not at `?`: the user-info
            // is up to the last `@` before it.
            ("https://u:p?x@host/a", "https://host/a"),
            ("https://u:p@q@host\\a", "https://host\\a"),
            ("https://host/a@b/c.log", "https://host/a@b/c.log"),
            ("https://host?sig=secret", "https://host"),
            ("s3://bucket/key", "s3://bucket/key"),
            ("logs/a.log", "logs/a.log"),
        ] {
            assert_eq!(shown_url(url), shown, "{url}");
        }
    }

    #[test]
    fn secrets_are_taken_out_of_messages_in_any_spelling() {
        let url = "https://us%40er:p%3Ass-word@host/x.log?X-Amz-Signature=0123abcd";
        let secrets = Secrets::of(url, &Url::parse(url).unwrap());
        for message in [
            "Error performing HEAD https://us%40er:p%3Ass-word@host/x.log?X-Amz-Signature=0123abcd",
            "denied for us@er with p:ss-word",
            "signature X-Amz-Signature=0123abcd does not match",
        ] {
            let scrubbed = secrets.scrub(message.to_owned());
            for secret in ["us%40er", "us@er", "p%3Ass-word", "p:ss-word", "0123abcd"] {
                assert!(!scrubbed.contains(secret), "{scrubbed}");
            }
        }
        assert_eq!(
            secrets.scrub("Error performing HEAD https://us%40er:p%3Ass-word@host/x.log".to_owned()),
            "Error performing HEAD https://host/x.log"
        );
        // A URL without them takes nothing out.
        let plain = "https://host/x.log";
        assert_eq!(Secrets::of(plain, &Url::parse(plain).unwrap()).scrub("host x.log".to_owned()), "host x.log");
    }
}
