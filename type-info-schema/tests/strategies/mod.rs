//! Strategies for valid type-info content, shared by the property tests.

use proptest::prelude::*;
use type_info_schema::{Binding, ContentHash, FileEntry, InitializerKind, ResolvedType, Site, SiteKind, TraitFacts, TypeInfo, Use, UseKind};

fn text() -> impl Strategy<Value = String> {
    // Identifiers, type names and paths, including non-ASCII and JSON-escaped characters.
    prop::string::string_regex("[a-zA-Zé_<>:\"\\\\ 🦀]{0,12}").unwrap()
}

fn facts() -> impl Strategy<Value = Option<TraitFacts>> {
    prop::option::of(prop::array::uniform5(any::<bool>()).prop_map(|[copy, clone, send, sync, needs_drop]| TraitFacts {
        copy,
        clone,
        send,
        sync,
        needs_drop,
    }))
}

fn resolved() -> impl Strategy<Value = ResolvedType> {
    prop_oneof![text().prop_map(ResolvedType::Known), text().prop_map(|unknown| ResolvedType::Unknown { unknown })]
}

fn binding() -> impl Strategy<Value = Binding> {
    let position = (1..500u32, 1..200u32);
    (position, text(), resolved(), prop::option::of(text()), prop::sample::select(InitializerKind::ALL), prop::option::of(text()), text(), facts())
        .prop_map(|((line, column), name, ty, declared_type, kind, factory, function, traits)| Binding {
            line,
            column,
            name,
            ty,
            declared_type,
            kind,
            factory,
            function,
            traits,
        })
}

fn site() -> impl Strategy<Value = Site> {
    (1..500u32, 1..200u32, prop::sample::select(SiteKind::ALL), text(), text()).prop_map(|(line, column, kind, target, function)| Site {
        line,
        column,
        kind,
        target,
        function,
    })
}

fn use_() -> impl Strategy<Value = Use> {
    let kinds = [UseKind::Move, UseKind::PartialMove, UseKind::Copy, UseKind::SharedBorrow, UseKind::MutableBorrow, UseKind::Unknown];
    (1..500u32, 1..200u32, text(), prop::sample::select(kinds.to_vec()), prop::option::of(text()), any::<bool>(), any::<bool>()).prop_map(
        |(line, column, name, kind, reason, ends_with_call, never_returns)| Use { line, column, name, kind, reason, ends_with_call, never_returns },
    )
}

fn entry() -> impl Strategy<Value = FileEntry> {
    (any::<Vec<u8>>(), prop::collection::vec(binding(), 0..20), prop::collection::vec(site(), 0..10), prop::collection::vec(use_(), 0..10)).prop_map(
        |(source, mut bindings, sites, mut uses)| {
            bindings.sort_by_key(|b| b.position());
            bindings.dedup_by_key(|b| b.position());
            uses.sort_by(|a, b| (a.position(), &a.name).cmp(&(b.position(), &b.name)));
            uses.dedup_by(|a, b| (a.position(), &a.name) == (b.position(), &b.name));
            FileEntry { hash: ContentHash::of(&source), bindings, sites, uses }
        },
    )
}

pub(crate) fn type_info() -> impl Strategy<Value = TypeInfo> {
    let path = prop::string::string_regex("[a-z_é]{1,8}(/[a-z_]{1,8}){0,3}\\.rs").unwrap();
    prop::collection::btree_map(path, entry(), 0..5).prop_map(|files| {
        let mut info = TypeInfo::new("borrowscope-analyzer", "0.1.0");
        info.files = files;
        info
    })
}
