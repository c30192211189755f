//! A small program whose ownership story BorrowScope tells: a shared configuration behind an
//! alias of `Rc`, a counter shared by threads through `Arc<Mutex<_>>`, notes the threads send
//! back on a channel, a `RefCell` cache, moves and borrows. `cargo xtask demo` analyzes it,
//! runs it, and exports its trace.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::{Arc, Mutex, mpsc};
use std::thread;

use borrowscope_macro::trace_borrow;

type Shared<T> = Rc<T>;

struct Config {
    name: String,
    workers: usize,
}

/// What a worker sends back when it is done.
struct Note {
    worker: usize,
}

fn counter() -> Arc<Mutex<usize>> {
    Arc::new(Mutex::new(0))
}

#[trace_borrow]
fn run() -> usize {
    let config = Shared::new(Config { name: String::from("demo"), workers: 3 });
    let view = config.clone();
    let total = counter();
    let (tx, rx) = mpsc::channel();
    let mut handles = Vec::new();
    for worker in 0..view.workers {
        let total = Arc::clone(&total);
        let tx = tx.clone();
        handles.push(thread::spawn(move || {
            *total.lock().unwrap() += worker;
            let note = Note { worker };
            tx.send(note).unwrap();
        }));
    }
    drop(tx);
    for handle in handles {
        handle.join().unwrap();
    }
    let mut notes = Vec::new();
    for note in rx {
        notes.push(note);
    }
    let cache = RefCell::new(Vec::new());
    cache.borrow_mut().push(config.name.clone());
    let seen = cache.borrow().len();
    let result = *total.lock().unwrap() + seen + notes.iter().map(|n| n.worker).sum::<usize>();
    result
}

fn main() {
    let out = std::env::args().nth(1).map(std::path::PathBuf::from).unwrap_or_else(|| ".".into());
    let result = run();
    println!("result: {result}");
    let trace = borrowscope_runtime::trace();
    print!("{}", trace.to_text());
    let write = || -> borrowscope_runtime::Result<()> {
        borrowscope_runtime::export_json(out.join("trace.json"))?;
        borrowscope_runtime::export_dot(out.join("graph.dot"))?;
        borrowscope_runtime::export_chrome_trace(out.join("trace.chrome.json"))?;
        borrowscope_runtime::export_html(out.join("report.html"))
    };
    if let Err(err) = write() {
        eprintln!("demo: {err}");
        std::process::exit(1);
    }
}
