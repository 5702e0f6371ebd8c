//! The threaded wasm build imports one shared memory that every worker thread uses. This rustc
//! no longer asks the linker for it by itself, so the arguments are passed here.

fn main() {
    let wasm = std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32");
    let threads = std::env::var_os("CARGO_FEATURE_THREADS").is_some();
    if wasm && threads {
        for arg in [
            "--shared-memory",
            "--import-memory",
            // 2 GiB: room for the slices in flight and large summaries; grows on demand.
            "--max-memory=2147483648",
            "--export=__wasm_init_tls",
            "--export=__tls_size",
            "--export=__tls_align",
            "--export=__tls_base",
        ] {
            println!("cargo:rustc-link-arg={arg}");
        }
    }
    println!("cargo:rerun-if-env-changed=CARGO_FEATURE_THREADS");
}
