//! The attribute's options, parsed into a typed configuration. Options combine: each one
//! adds to the configuration and none resets another.

use proc_macro2::{Span, TokenStream};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Expr, ExprLit, Lit, Meta, Token};

/// The feature groups of the macro README, with their aliases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Group {
    Ownership,
    SmartPointers,
    Loops,
    Branches,
    ControlFlow,
    Try,
    Methods,
    Async,
    Unsafe,
    Expressions,
    Functions,
}

impl Group {
    const ALL: [(Group, &'static str, &'static [&'static str]); 11] = [
        (Group::Ownership, "ownership", &[]),
        (Group::SmartPointers, "smart_pointers", &["pointers"]),
        (Group::Loops, "loops", &[]),
        (Group::Branches, "branches", &[]),
        (Group::ControlFlow, "control_flow", &["control"]),
        (Group::Try, "try", &[]),
        (Group::Methods, "methods", &[]),
        (Group::Async, "async", &[]),
        (Group::Unsafe, "unsafe", &[]),
        (Group::Expressions, "expressions", &["exprs"]),
        (Group::Functions, "functions", &["fn"]),
    ];

    fn parse(name: &str) -> Option<Group> {
        Group::ALL.iter().find(|(_, n, aliases)| *n == name || aliases.contains(&name)).map(|(g, _, _)| *g)
    }

    fn bit(self) -> u16 {
        1 << self as u16
    }

    fn valid_names() -> String {
        Group::ALL
            .iter()
            .map(|(_, n, aliases)| if aliases.is_empty() { (*n).to_owned() } else { format!("{n} (or {})", aliases.join(", ")) })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Which builds get instrumentation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Conditions {
    pub(crate) debug_only: bool,
    pub(crate) release_only: bool,
    pub(crate) features: Vec<String>,
}

/// The parsed attribute.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TraceConfig {
    groups: u16,
    /// Glob patterns; a variable is tracked when it matches any (all when empty).
    pub(crate) filters: Vec<String>,
    /// The fraction of variables tracked, when sampling.
    pub(crate) sample: Option<f64>,
    pub(crate) conditions: Conditions,
    pub(crate) warn: bool,
    pub(crate) ffi: Vec<String>,
    pub(crate) unions: Vec<String>,
    pub(crate) statics: Vec<String>,
}

const OPTIONS: &str = "quiet, verbose, skip = \"..\", only = \"..\", filter = \"..\", sample = 0.5, debug_only, release_only, feature = \"..\", warn, ffi = [..], unions = [..], statics = [..]";

impl Default for TraceConfig {
    /// Standard tracking: every group but `functions`.
    fn default() -> Self {
        let all: u16 = Group::ALL.iter().map(|(g, _, _)| g.bit()).sum();
        TraceConfig {
            groups: all & !Group::Functions.bit(),
            filters: Vec::new(),
            sample: None,
            conditions: Conditions::default(),
            warn: false,
            ffi: Vec::new(),
            unions: Vec::new(),
            statics: Vec::new(),
        }
    }
}

impl TraceConfig {
    pub(crate) fn has(&self, group: Group) -> bool {
        self.groups & group.bit() != 0
    }

    /// Whether a variable of this name is tracked (`filter`).
    pub(crate) fn tracks_name(&self, name: &str) -> bool {
        self.filters.is_empty() || self.filters.iter().any(|f| glob(f, name))
    }

    /// Parses the attribute's tokens.
    pub(crate) fn parse(tokens: TokenStream) -> syn::Result<TraceConfig> {
        let options = syn::parse2::<Options>(tokens)?;
        let mut config = TraceConfig::default();
        let mut presets = Vec::new();
        let (mut only, mut skip) = (None::<u16>, 0u16);
        for meta in options.0 {
            let name = meta.path().get_ident().map(ToString::to_string).unwrap_or_default();
            match (name.as_str(), &meta) {
                ("quiet", Meta::Path(_)) => presets.push(Group::Ownership.bit()),
                ("verbose", Meta::Path(_)) => presets.push(u16::MAX),
                ("debug_only", Meta::Path(_)) => config.conditions.debug_only = true,
                ("release_only", Meta::Path(_)) => config.conditions.release_only = true,
                ("warn", Meta::Path(_)) => config.warn = true,
                ("skip", Meta::NameValue(nv)) => skip |= groups(&nv.value)?,
                ("only", Meta::NameValue(nv)) => *only.get_or_insert(0) |= groups(&nv.value)?,
                ("filter", Meta::NameValue(nv)) => config.filters.push(string(&nv.value)?),
                ("feature", Meta::NameValue(nv)) => config.conditions.features.push(string(&nv.value)?),
                ("sample", Meta::NameValue(nv)) => {
                    let rate = float(&nv.value)?;
                    if !(rate > 0.0 && rate <= 1.0) {
                        return Err(syn::Error::new_spanned(
                            &nv.value,
                            "`sample` is a fraction of variables to track: a number greater than 0 and at most 1, such as 0.1",
                        ));
                    }
                    config.sample = Some(config.sample.map_or(rate, |r| r.min(rate)));
                }
                ("ffi", Meta::NameValue(nv)) => config.ffi.extend(strings(&nv.value)?),
                ("unions", Meta::NameValue(nv)) => config.unions.extend(strings(&nv.value)?),
                ("statics", Meta::NameValue(nv)) => config.statics.extend(strings(&nv.value)?),
                ("quiet" | "verbose" | "debug_only" | "release_only" | "warn", _) => {
                    return Err(syn::Error::new_spanned(&meta, format!("`{name}` takes no value: write `#[trace_borrow({name})]`")));
                }
                ("skip" | "only" | "filter" | "feature" | "sample" | "ffi" | "unions" | "statics", _) => {
                    return Err(syn::Error::new_spanned(&meta, format!("`{name}` needs a value, as in `{name} = ...`; the options are: {OPTIONS}")));
                }
                _ => return Err(syn::Error::new_spanned(meta.path(), format!("unknown option `{name}`; the options are: {OPTIONS}"))),
            }
        }
        if config.conditions.debug_only && config.conditions.release_only {
            return Err(syn::Error::new(Span::call_site(), "`debug_only` and `release_only` together would never instrument anything: keep one"));
        }
        // Presets choose the starting set; `only` narrows it; `skip` removes from it. Two
        // presets combine to the larger one, so none resets another.
        if let Some(preset) = presets.into_iter().reduce(|a, b| a | b) {
            config.groups = preset;
        }
        if let Some(only) = only {
            config.groups &= only;
            config.groups |= only & Group::Functions.bit();
        }
        config.groups &= !skip;
        Ok(config)
    }
}

struct Options(Punctuated<Meta, Token![,]>);

impl Parse for Options {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        Punctuated::parse_terminated(input).map(Options)
    }
}

fn string(expr: &Expr) -> syn::Result<String> {
    match expr {
        Expr::Lit(ExprLit { lit: Lit::Str(s), .. }) => Ok(s.value()),
        _ => Err(syn::Error::new_spanned(expr, "expected a string literal, such as \"loops,branches\"")),
    }
}

fn strings(expr: &Expr) -> syn::Result<Vec<String>> {
    match expr {
        Expr::Array(array) => array.elems.iter().map(string).collect(),
        _ => Err(syn::Error::new_spanned(expr, "expected a list of names, such as [\"malloc\", \"free\"]")),
    }
}

fn float(expr: &Expr) -> syn::Result<f64> {
    match expr {
        Expr::Lit(ExprLit { lit: Lit::Float(f), .. }) => f.base10_parse(),
        Expr::Lit(ExprLit { lit: Lit::Int(i), .. }) => i.base10_parse::<u8>().map(f64::from),
        _ => Err(syn::Error::new_spanned(expr, "expected a number, such as 0.1")),
    }
}

fn groups(expr: &Expr) -> syn::Result<u16> {
    let text = string(expr)?;
    let mut bits = 0;
    for name in text.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let group = Group::parse(name)
            .ok_or_else(|| syn::Error::new_spanned(expr, format!("unknown feature group `{name}`; the groups are: {}", Group::valid_names())))?;
        bits |= group.bit();
    }
    Ok(bits)
}

/// `*` matches any run of characters, `?` exactly one.
pub(crate) fn glob(pattern: &str, name: &str) -> bool {
    let (p, n): (Vec<char>, Vec<char>) = (pattern.chars().collect(), name.chars().collect());
    let (mut pi, mut ni, mut star, mut mark) = (0, 0, None, 0);
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ni;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ni = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn parse(tokens: TokenStream) -> TraceConfig {
        TraceConfig::parse(tokens).unwrap()
    }

    #[test]
    fn presets_and_groups_combine() {
        let standard = parse(quote!());
        assert!(standard.has(Group::Loops) && !standard.has(Group::Functions));
        let quiet = parse(quote!(quiet));
        assert!(quiet.has(Group::Ownership) && !quiet.has(Group::Loops));
        assert!(parse(quote!(verbose)).has(Group::Functions));
        let skipped = parse(quote!(skip = "loops, branches", skip = "exprs"));
        assert!(!skipped.has(Group::Loops) && !skipped.has(Group::Branches) && !skipped.has(Group::Expressions));
        assert!(skipped.has(Group::Try));
        let only = parse(quote!(only = "ownership", only = "pointers"));
        assert!(only.has(Group::Ownership) && only.has(Group::SmartPointers) && !only.has(Group::Loops));
        // `quiet` then `verbose`: the larger preset wins, whatever the order.
        assert_eq!(parse(quote!(quiet, verbose)), parse(quote!(verbose, quiet)));
        assert!(parse(quote!(only = "fn")).has(Group::Functions));
    }

    #[test]
    fn values_accumulate() {
        let config = parse(quote!(
            filter = "data*",
            filter = "*_count",
            sample = 0.5,
            sample = 0.2,
            ffi = ["malloc"],
            ffi = ["free"],
            debug_only,
            feature = "trace"
        ));
        assert_eq!(config.filters, ["data*", "*_count"]);
        assert_eq!(config.sample, Some(0.2));
        assert_eq!(config.ffi, ["malloc", "free"]);
        assert!(config.conditions.debug_only);
        assert_eq!(config.conditions.features, ["trace"]);
    }

    #[test]
    fn globs() {
        assert!(glob("data*", "data_1") && glob("*_count", "item_count") && glob("user_?", "user_1"));
        assert!(!glob("user_?", "user_12") && !glob("data*", "my_data") && glob("*", ""));
    }

    #[test]
    fn errors_name_what_is_valid() {
        let err = TraceConfig::parse(quote!(loud)).unwrap_err().to_string();
        assert!(err.contains("unknown option `loud`") && err.contains("verbose"), "{err}");
        let err = TraceConfig::parse(quote!(skip = "loopz")).unwrap_err().to_string();
        assert!(err.contains("unknown feature group `loopz`") && err.contains("smart_pointers (or pointers)"), "{err}");
        assert!(TraceConfig::parse(quote!(sample = 2.0)).is_err());
        assert!(TraceConfig::parse(quote!(debug_only, release_only)).is_err());
        assert!(TraceConfig::parse(quote!(quiet = 1)).is_err());
    }
}
