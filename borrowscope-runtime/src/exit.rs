//! Writing the trace to a file when the program exits, asked for with an environment
//! variable so that no code changes are needed.

use std::sync::Once;

/// When set to a path, the global recorder's events are written there as JSON when the
/// process exits (`main` returns or panics, or `std::process::exit` is called). `{pid}` in
/// the path stands for the process id and `{exe}` for the program's file name, so that
/// several programs (the test programs of `cargo test`) each write a trace of their own.
pub const TRACE_ENV: &str = "BORROWSCOPE_TRACE";

unsafe extern "C" {
    /// The C library's `atexit`, present wherever std runs on a C runtime.
    fn atexit(callback: extern "C" fn()) -> std::ffi::c_int;
}

/// Set to `off` to keep the process-wide recorder's events in ordinary memory even while
/// `BORROWSCOPE_TRACE` is set: no spool file, no keeper thread, no signal handlers; the
/// trace is then written only when the process exits normally (`main` returns, a panic,
/// `std::process::exit`), and lost on a crash or a signal.
pub const SPOOL_ENV: &str = "BORROWSCOPE_SPOOL";

/// Set (to anything but `0`, `off` or `no`) to leave the spool at a normal exit instead of
/// writing the JSON trace in the exiting process: the spool is completed (every site
/// described, the counts noted, the run marked as exited) and kept as `<trace>.spool`, for
/// `cargo borrowscope`, which sets this, to turn into the trace and report after the run. A
/// test program that fills the event cap then ends as quickly as it would untraced, and the
/// command converts its traces on every core. Without a spool (`BORROWSCOPE_SPOOL=off`, or a
/// platform without one) the JSON trace is written as usual.
pub const LEAVE_SPOOL_ENV: &str = "BORROWSCOPE_LEAVE_SPOOL";

/// The stack `cargo borrowscope run` and `test` give a traced program's threads through
/// `RUST_MIN_STACK` (unless the user set it): 8 MiB, four times std's default. A debug build
/// gives every local a stack slot of its own, and a traced function holds its body twice (as
/// written, beside the instrumented copy) and a guard beside each binding, so its frame is two
/// to three times the size.
pub const TRACED_MIN_STACK: u64 = 8 << 20;

static REGISTER: Once = Once::new();
static NOTE: Once = Once::new();

/// Registers, the first time the process-wide recorder drops or overwrites an event, a note
/// printed on stderr at exit: how many events are missing, and how to keep more.
pub(crate) fn note_missing_once() {
    NOTE.call_once(|| {
        // SAFETY: `print_note` is a plain `extern "C" fn` that never unwinds.
        unsafe { atexit(print_note) };
    });
}

extern "C" fn print_note() {
    let _ = std::panic::catch_unwind(|| {
        let global = &crate::recorder::GLOBAL;
        let counts = crate::Trace { dropped: global.dropped(), overwritten: global.overwritten(), ..Default::default() };
        if let Some(note) = counts.note() {
            eprintln!("borrowscope: {note}");
        }
    });
}

/// Registers the exit hook the first time any thread records, if `BORROWSCOPE_TRACE` is set;
/// and, where there are memory-mapped files and signals, makes the spool that keeps the
/// events of a run that crashes or is stopped, with its signal handlers (see `crate::spool`).
pub(crate) fn register_once() {
    REGISTER.call_once(|| {
        let Some(pattern) = std::env::var_os(TRACE_ENV).filter(|p| !p.is_empty()) else { return };
        // SAFETY: `write_at_exit` is a plain `extern "C" fn` that never unwinds.
        unsafe { atexit(write_at_exit) };
        #[cfg(all(unix, target_pointer_width = "64"))]
        if !std::env::var(SPOOL_ENV).is_ok_and(|v| matches!(v.trim(), "off" | "0" | "no")) {
            let path = trace_path(&pattern);
            let max = crate::recorder::GLOBAL.max_events();
            if let Some(spool) = crate::spool::file::create(&path, max) {
                crate::spool::signals::install(spool);
            }
        }
        #[cfg(not(all(unix, target_pointer_width = "64")))]
        let _ = pattern;
    });
}

/// The trace's path, with `{pid}` and `{exe}` filled in.
pub(crate) fn trace_path(pattern: &std::ffi::OsStr) -> std::path::PathBuf {
    let Some(text) = pattern.to_str() else { return pattern.into() };
    let exe = std::env::current_exe().ok().and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned())).unwrap_or_default();
    text.replace("{pid}", &std::process::id().to_string()).replace("{exe}", &exe).into()
}

extern "C" fn write_at_exit() {
    let Some(path) = std::env::var_os(TRACE_ENV) else { return };
    let path = trace_path(&path);
    #[cfg(all(unix, target_pointer_width = "64"))]
    if std::env::var(LEAVE_SPOOL_ENV).is_ok_and(|v| !matches!(v.trim(), "" | "0" | "off" | "no"))
        && let Some(spool) = crate::spool::file::get().filter(|s| s.owned())
    {
        spool.finish_at_exit();
        return;
    }
    // A panic must not unwind into C; report it and carry on exiting.
    let result = std::panic::catch_unwind(|| crate::export::export_json(&path));
    match result {
        Ok(Ok(())) => {
            // The trace is complete: the spool that kept it against a crash is not needed.
            #[cfg(all(unix, target_pointer_width = "64"))]
            if let Some(spool) = crate::spool::file::get().filter(|s| s.owned()) {
                let _ = std::fs::remove_file(&spool.path);
            }
        }
        Ok(Err(err)) => eprintln!("borrowscope: {TRACE_ENV}: {err}"),
        Err(_) => eprintln!("borrowscope: {TRACE_ENV}: writing the trace panicked"),
    }
}
