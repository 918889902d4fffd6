//! The TypeScript declarations of the backend contract (`ui/BACKEND.md`), generated from the
//! Rust types the commands take and return (`ts-rs` derives next to their serde derives), so the
//! UI's types cannot drift from what the commands send.
//!
//! The generated file is `ui/src/lib/backend/contract.ts`. A test regenerates it and fails when
//! the checked-in file differs; `ROTA_WRITE_CONTRACT=1 cargo test --workspace --locked contract`
//! rewrites it.

use std::any::TypeId;
use std::collections::BTreeMap;

use rota_service::desk::coverage::{Coded, CoverageView, ScenarioComparison, ScenarioCreate, ScenarioInfo};
use rota_service::desk::{
    BackendError, DispatchResult, EditResult, EmergencyOption, EmergencyRequest, Feasibility, MoveRequest,
    OptimizeProgress, OptimizeResult, OptimizeScope, PlanVersion, PlanView, ProviderScorecard, RouteLine, SlotOption,
    UndoState,
};
use rota_solver::format::{Kpis, Problem};
use ts_rs::{Config, TS, TypeVisitor};

/// Where the generated file lives, relative to the workspace root.
pub const CONTRACT_TS: &str = "ui/src/lib/backend/contract.ts";

/// Every named type reachable from the commands' arguments and results, declared once.
struct Collect<'a> {
    cfg: &'a Config,
    /// TypeScript name → (Rust type, declaration).
    decls: BTreeMap<String, (TypeId, &'static str, String)>,
}

impl TypeVisitor for Collect<'_> {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        if T::output_path().is_none() {
            // Built-in (string, number, arrays, maps): nothing to declare, but look inside.
            T::visit_dependencies(self);
            T::visit_generics(self);
            return;
        }
        let name = T::ident(self.cfg);
        let id = TypeId::of::<T::WithoutGenerics>();
        if let Some((seen, rust, _)) = self.decls.get(&name) {
            assert!(
                *seen == id,
                "two Rust types are both `{name}` in TypeScript ({rust} and {}): rename one with #[ts(rename)]",
                std::any::type_name::<T>()
            );
            return;
        }
        let mut text = String::new();
        if let Some(docs) = T::docs() {
            text.push_str(&docs);
        }
        text.push_str("export ");
        text.push_str(&T::decl(self.cfg));
        self.decls.insert(name, (id, std::any::type_name::<T::WithoutGenerics>(), text));
        T::visit_dependencies(self);
        T::visit_generics(self);
    }
}

/// The contents of `ui/src/lib/backend/contract.ts`.
pub fn typescript() -> String {
    // serde_json writes i64/u64 as JSON numbers, and every integer of the contract fits a double.
    let cfg = Config::new().with_large_int("number");
    let mut c = Collect { cfg: &cfg, decls: BTreeMap::new() };
    // The commands' arguments and results (ui/BACKEND.md), and the progress event's payload.
    c.visit::<Problem>();
    c.visit::<PlanView>();
    c.visit::<PlanVersion>();
    c.visit::<Feasibility>();
    c.visit::<MoveRequest>();
    c.visit::<EditResult>();
    c.visit::<DispatchResult>();
    c.visit::<UndoState>();
    c.visit::<SlotOption>();
    c.visit::<EmergencyRequest>();
    c.visit::<EmergencyOption>();
    c.visit::<OptimizeScope>();
    c.visit::<OptimizeProgress>();
    c.visit::<OptimizeResult>();
    c.visit::<Kpis>();
    c.visit::<ProviderScorecard>();
    c.visit::<RouteLine>();
    c.visit::<CoverageView>();
    c.visit::<Coded>();
    c.visit::<ScenarioInfo>();
    c.visit::<ScenarioComparison>();
    c.visit::<ScenarioCreate>();
    c.visit::<BackendError>();

    let mut out = String::from(
        "// GENERATED from the Rust types by src-tauri/src/contract.rs (ts-rs) — do not edit.\n\
         // Regenerate: ROTA_WRITE_CONTRACT=1 cargo test --workspace --locked contract\n\
         // The payloads of the Tauri commands in ui/BACKEND.md, serde names as sent over IPC.\n\
         /* eslint-disable */\n",
    );
    for (_, _, text) in c.decls.values() {
        out.push('\n');
        out.push_str(text);
        out.push('\n');
    }
    out.push_str(&format!(
        "\n/** `list_scenarios`: one stored scenario, its changes as codes. */\nexport type ScenarioInfo = {};\n",
        ScenarioInfo::name(&cfg)
    ));
    out
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    #[test]
    fn contract_ts_is_current() {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join(CONTRACT_TS);
        let generated = typescript();
        if std::env::var_os("ROTA_WRITE_CONTRACT").is_some() {
            std::fs::write(&path, &generated).expect("write contract.ts");
            return;
        }
        // Regenerate next to the test's temporary files, so a failure leaves both to compare.
        let fresh = std::env::temp_dir().join(format!("rota-contract-{}.ts", std::process::id()));
        std::fs::write(&fresh, &generated).expect("write the regenerated contract");
        let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            checked_in == generated,
            "{} is not what the Rust types generate (regenerated: {}); run \
             `ROTA_WRITE_CONTRACT=1 cargo test --workspace --locked contract` and commit it",
            path.display(),
            fresh.display()
        );
        let _ = std::fs::remove_file(&fresh);
    }

    #[test]
    fn every_declaration_is_exported_once() {
        let ts = typescript();
        let mut names: Vec<&str> = ts
            .lines()
            .filter_map(|l| l.strip_prefix("export type "))
            .filter_map(|l| l.split([' ', '<']).next())
            .collect();
        let all = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all, "a TypeScript name is declared twice");
        for needed in
            ["Problem", "PlanView", "MoveRequest", "Feasibility", "CoverageView", "ScenarioInfo", "BackendError"]
        {
            assert!(names.contains(&needed), "{needed} missing from the contract");
        }
    }
}
