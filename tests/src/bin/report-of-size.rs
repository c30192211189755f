//! `report-of-size EVENTS OUT.html`: records about EVENTS events (variables created,
//! borrowed, dropped, in turn, on two threads) and writes their HTML report to OUT.html,
//! printing how long the export took. For the browser test of a large report and the
//! report benchmark (`scripts/report-bench.sh`).

use std::time::Instant;

use borrowscope_runtime::*;

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(events), Some(out)) = (args.next().and_then(|n| n.parse::<u64>().ok()), args.next()) else {
        eprintln!("usage: report-of-size EVENTS OUT.html");
        std::process::exit(2);
    };
    let session = Session::with_max_events(usize::MAX);
    let per_thread = events / 2 / 4;
    std::thread::scope(|scope| {
        for _ in 0..2 {
            let session = session.clone();
            scope.spawn(move || {
                let _guard = session.enter();
                for i in 0..per_thread {
                    let value = track_new("value", i);
                    let view = track_borrow("view", &value);
                    std::hint::black_box(view);
                    track_drop("view");
                    track_drop("value");
                }
            });
        }
    });
    let trace = session.trace();
    let start = Instant::now();
    let html = to_html(&trace, &Graph::build(&trace));
    let export = start.elapsed();
    std::fs::write(&out, &html).expect("the report is written");
    println!("{} events, {} bytes, exported in {:.0} ms", trace.events.len(), html.len(), export.as_secs_f64() * 1000.0);
}
