//! `borrowscope-runtime`: records ownership and borrowing events while a program runs.
//!
//! Not yet written: recording, the graph and the exports arrive with the runtime issue.
