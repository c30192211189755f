//! Workspace-level tests of BorrowScope. The library is empty; the tests live in
//! `tests/tests/`, and the fixture projects they analyse and build in `tests/fixtures/`.
