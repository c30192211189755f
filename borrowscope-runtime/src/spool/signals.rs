//! The signal handlers and the keeper thread that make the spool a trace however the
//! process ends.
//!
//! - SIGINT, SIGTERM, SIGHUP, SIGQUIT: the handler describes what the spool lacks, asks the
//!   keeper to write the JSON trace from it (waiting at most `CONVERT_WAIT`), then lets the
//!   signal's default action run, so the exit status is what it is untraced. A handler the
//!   program installed before recording started is chained to (it decides what happens);
//!   one installed after ours replaces ours, and if it calls ours (as signal-hook does),
//!   ours only describes and returns. A second such signal while the trace is being written
//!   ends the process at once. Signals the program ignores stay ignored.
//! - SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT: the handler describes what the spool lacks and
//!   notes the signal, then puts back the handler that was there before (std's stack
//!   overflow handler, or the default) and lets the signal happen again under it. The spool
//!   stays on disk; readers read it.
//! - Every 200 ms the keeper describes the sites of events recorded since, so that after
//!   SIGKILL only the events of the last 200 ms may be unreadable.
//!
//! The handlers only read memory, write into the mapping, and make async-signal-safe
//! calls (`sigaction`, `raise`, `write`, `poll`, `read`).

use std::cell::UnsafeCell;
use std::mem::MaybeUninit;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

use super::file::{Spool, get};

const TERMINATING: [libc::c_int; 4] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT];
const CRASHING: [libc::c_int; 5] = [libc::SIGSEGV, libc::SIGBUS, libc::SIGILL, libc::SIGFPE, libc::SIGABRT];
/// How long a terminating signal waits for the keeper to write the trace: a million events
/// take about a second in a debug build.
const CONVERT_WAIT_MS: libc::c_int = 30_000;
const KEEPER_PERIOD_MS: libc::c_int = 200;

/// The actions in place before ours, by signal number; written before our handler is
/// installed for that signal, read only by the handler.
struct Previous(UnsafeCell<[MaybeUninit<libc::sigaction>; 65]>);
// SAFETY: each entry is written once, before the handler that reads it is installed.
unsafe impl Sync for Previous {}
static PREVIOUS: Previous = Previous(UnsafeCell::new([const { MaybeUninit::uninit() }; 65]));

static HANDLING: AtomicBool = AtomicBool::new(false);
/// The temporary file the keeper writes the trace to (a C string, leaked), removed by a
/// second terminating signal so that nothing half-written is left.
static TEMPORARY: std::sync::atomic::AtomicPtr<libc::c_char> = std::sync::atomic::AtomicPtr::new(std::ptr::null_mut());
/// The keeper's request pipe (write end) and its answer pipe (read end), -1 without a keeper.
static REQUEST: AtomicI32 = AtomicI32::new(-1);
static DONE: AtomicI32 = AtomicI32::new(-1);

/// Installs the handlers and starts the keeper, once the spool exists.
pub(crate) fn install(spool: &'static Spool) {
    use std::os::unix::ffi::OsStrExt;
    if let Ok(temporary) = std::ffi::CString::new(crate::export::temporary(&spool.trace).as_os_str().as_bytes()) {
        TEMPORARY.store(temporary.into_raw(), Ordering::Release);
    }
    start_keeper(spool);
    // SAFETY: registers a plain `extern "C" fn` run in the child after `fork`.
    unsafe { libc::pthread_atfork(None, None, Some(after_fork_in_child)) };
    for signal in TERMINATING.into_iter().chain(CRASHING) {
        // SAFETY: plain libc calls on valid structures; the previous action is stored before
        // ours is installed, and ours never unwinds.
        unsafe {
            let mut previous = MaybeUninit::<libc::sigaction>::zeroed();
            if libc::sigaction(signal, std::ptr::null(), previous.as_mut_ptr()) != 0 {
                continue;
            }
            let previous = previous.assume_init();
            // A signal the program ignores stays ignored.
            if previous.sa_sigaction == libc::SIG_IGN {
                continue;
            }
            (*PREVIOUS.0.get())[signal as usize] = MaybeUninit::new(previous);
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = handle as extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) as usize;
            // On the alternate stack (a stack overflow's SIGSEGV), with its details, and
            // re-entered by a second terminating signal.
            action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK | if TERMINATING.contains(&signal) { libc::SA_NODEFER } else { 0 };
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(signal, &action, std::ptr::null_mut());
        }
    }
}

/// In a forked child: its own copy of the spool, and no keeper (the parent's stays the
/// parent's: the child must not ask it to write a trace).
extern "C" fn after_fork_in_child() {
    if let Some(spool) = get() {
        spool.detach_after_fork();
    }
    REQUEST.store(-1, Ordering::Release);
    DONE.store(-1, Ordering::Release);
}

fn previous(signal: libc::c_int) -> libc::sigaction {
    // SAFETY: written by `install` before the handler for `signal` was installed.
    unsafe { (*PREVIOUS.0.get())[signal as usize].assume_init() }
}

/// Whether ours is the action in place for `signal` (not one installed over it).
fn ours_in_place(signal: libc::c_int) -> bool {
    let mut current = MaybeUninit::<libc::sigaction>::zeroed();
    // SAFETY: a query of the current action.
    unsafe {
        libc::sigaction(signal, std::ptr::null(), current.as_mut_ptr());
        current.assume_init().sa_sigaction == handle as extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) as usize
    }
}

/// Calls the action that was in place before ours, if it was a handler.
///
/// # Safety
/// Called from our handler with the arguments it got.
unsafe fn chain(signal: libc::c_int, info: *mut libc::siginfo_t, context: *mut libc::c_void) -> bool {
    let previous = previous(signal);
    if previous.sa_sigaction == libc::SIG_DFL || previous.sa_sigaction == libc::SIG_IGN {
        return false;
    }
    // SAFETY: the address of a handler of the kind its flags say.
    unsafe {
        if previous.sa_flags & libc::SA_SIGINFO != 0 {
            let f: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) = std::mem::transmute(previous.sa_sigaction);
            f(signal, info, context);
        } else {
            let f: extern "C" fn(libc::c_int) = std::mem::transmute(previous.sa_sigaction);
            f(signal);
        }
    }
    true
}

/// Ends the process by `signal` under its default action.
fn die_by(signal: libc::c_int) {
    // SAFETY: async-signal-safe calls; the raised signal is delivered when the handler returns
    // (or at once, for a terminating signal, which is not blocked in its handler).
    unsafe {
        libc::signal(signal, libc::SIG_DFL);
        libc::raise(signal);
    }
}

fn counts(spool: &Spool) {
    let global = &crate::recorder::GLOBAL;
    spool.note_counts(global.dropped(), global.overwritten());
}

extern "C" fn handle(signal: libc::c_int, info: *mut libc::siginfo_t, context: *mut libc::c_void) {
    let Some(spool) = get() else {
        die_by(signal);
        return;
    };
    if CRASHING.contains(&signal) {
        spool.describe_all();
        counts(spool);
        if !ours_in_place(signal) {
            // Called by a handler installed over ours: it decides what happens next.
            return;
        }
        spool.note_ended_by(signal);
        // Put back what was there (std's handler, which tells a stack overflow apart, or
        // the default) and let the signal happen again under it: a fault repeats when the
        // handler returns; a signal that was sent (`abort`, `kill`) is sent again.
        // SAFETY: restoring the action saved by `install`.
        unsafe { libc::sigaction(signal, &previous(signal), std::ptr::null_mut()) };
        // SAFETY: `info` is the kernel's, valid for the handler's duration.
        let sent = info.is_null() || unsafe { (*info).si_code } <= 0;
        if sent {
            // SAFETY: async-signal-safe; blocked until the handler returns.
            unsafe { libc::raise(signal) };
        }
        return;
    }
    // A terminating signal.
    if HANDLING.swap(true, Ordering::AcqRel) {
        // A second one while the first is being handled: end at once, leaving the spool
        // (complete, the first handler described it) and no half-written trace.
        let temporary = TEMPORARY.load(Ordering::Acquire);
        if !temporary.is_null() {
            // SAFETY: a leaked C string; `unlink` is async-signal-safe.
            unsafe { libc::unlink(temporary) };
        }
        die_by(signal);
        return;
    }
    spool.describe_all();
    counts(spool);
    // SAFETY: our handler's own arguments.
    if unsafe { chain(signal, info, context) } || !ours_in_place(signal) {
        HANDLING.store(false, Ordering::Release);
        return;
    }
    spool.note_ended_by(signal);
    convert_by_keeper();
    die_by(signal);
}

/// Asks the keeper to write the trace from the spool and waits for it, at most
/// `CONVERT_WAIT_MS`.
fn convert_by_keeper() {
    let (request, done) = (REQUEST.load(Ordering::Acquire), DONE.load(Ordering::Acquire));
    if request < 0 || done < 0 {
        return;
    }
    // SAFETY: async-signal-safe calls on the keeper's pipes.
    unsafe {
        if libc::write(request, [1u8].as_ptr().cast(), 1) != 1 {
            return;
        }
        let mut poll = libc::pollfd { fd: done, events: libc::POLLIN, revents: 0 };
        if libc::poll(&mut poll, 1, CONVERT_WAIT_MS) == 1 {
            let mut byte = 0u8;
            libc::read(done, (&mut byte as *mut u8).cast(), 1);
        }
    }
}

fn pipe() -> Option<[libc::c_int; 2]> {
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors.
    (unsafe { libc::pipe(fds.as_mut_ptr()) } == 0).then_some(fds)
}

fn start_keeper(spool: &'static Spool) {
    let (Some(request), Some(done)) = (pipe(), pipe()) else { return };
    let started = std::thread::Builder::new().name("borrowscope-spool".to_owned()).spawn(move || keep(spool, request[0], done[1]));
    if started.is_ok() {
        REQUEST.store(request[1], Ordering::Release);
        DONE.store(done[0], Ordering::Release);
    }
}

/// The keeper's loop: describe what was recorded since the last pass, every 200 ms, and
/// write the trace when a handler asks.
fn keep(spool: &'static Spool, request: libc::c_int, done: libc::c_int) {
    // Terminating signals go to the program's threads, never to this one, which must be
    // free to write the trace while a handler waits for it.
    // SAFETY: a signal mask for this thread.
    unsafe {
        let mut mask = MaybeUninit::<libc::sigset_t>::zeroed();
        libc::sigemptyset(mask.as_mut_ptr());
        for signal in TERMINATING {
            libc::sigaddset(mask.as_mut_ptr(), signal);
        }
        libc::pthread_sigmask(libc::SIG_BLOCK, mask.as_ptr(), std::ptr::null_mut());
    }
    loop {
        let mut poll = libc::pollfd { fd: request, events: libc::POLLIN, revents: 0 };
        // SAFETY: polling our own pipe.
        let ready = unsafe { libc::poll(&mut poll, 1, KEEPER_PERIOD_MS) };
        if ready == 1 {
            let mut byte = 0u8;
            // SAFETY: reading one byte from our own pipe.
            unsafe { libc::read(request, (&mut byte as *mut u8).cast(), 1) };
            let _ = std::panic::catch_unwind(|| crate::recorder::quietly(|| write_trace(spool)));
            // SAFETY: answering on our own pipe.
            unsafe { libc::write(done, [1u8].as_ptr().cast(), 1) };
            continue;
        }
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| describe_since(spool)));
    }
}

/// Describes the events recorded since the last pass (each chunk notes how far it was
/// described). The chunks are held meanwhile, so that none is recycled under the reader; the
/// list of them is in system memory, like every allocation of this thread's, so that what the
/// program's own allocator holds is the same traced as plain whenever the keeper runs.
fn describe_since(spool: &Spool) {
    crate::recorder::quietly(|| {
        for chunk in crate::recorder::GLOBAL.snapshot().iter() {
            if chunk.mapped().is_none() {
                continue;
            }
            let (events, _) = chunk.published();
            let from = chunk.described.swap(events.len(), Ordering::Relaxed).min(events.len());
            spool.describe_events(&events[from..]);
        }
        counts(spool);
    });
}

/// Writes the JSON trace from the spool (which the handler completed), and removes the
/// spool once the trace is there.
fn write_trace(spool: &Spool) {
    // SAFETY: only published slots are read (see `Spool::bytes`).
    let trace = super::read::from_spool(unsafe { spool.bytes() });
    if let Ok(trace) = trace
        && crate::export::write_with(&spool.trace, |file| crate::export::json::write_json(&trace, file)).is_ok()
        && spool.owned()
    {
        let _ = std::fs::remove_file(&spool.path);
    }
}
