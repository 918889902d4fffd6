//! The batch report for people: the Markdown summary in English or Simplified Chinese.
//!
//! The JSON report stays language-neutral (codes plus parameters); only this renderer speaks a
//! language. Every phrase comes from a message catalog keyed by code — headings, KPI names,
//! change reasons, unassigned reason codes, objective terms — with `{name}` placeholders for
//! parameters. Both catalogs must have the same keys (tested), so a new code cannot reach one
//! language only.

use std::collections::BTreeMap;
use std::fmt::Write;

use rota_solver::format::{Kpis, ReasonCode};

use super::{BatchReport, Slot};

/// A language the report is written in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    #[default]
    En,
    ZhCn,
}

impl Lang {
    /// Every supported value of `--lang`, as written on the command line.
    pub const SUPPORTED: [&'static str; 2] = ["en", "zh-CN"];

    /// Parses a language tag (`en`, `zh-CN`; case and `_`/`-` do not matter).
    pub fn parse(tag: &str) -> Result<Lang, String> {
        match tag.trim().replace('_', "-").to_ascii_lowercase().as_str() {
            "en" => Ok(Lang::En),
            "zh-cn" => Ok(Lang::ZhCn),
            _ => Err(format!("unsupported language {tag:?}; supported: {}", Lang::SUPPORTED.join(", "))),
        }
    }

    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }

    fn catalog(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Lang::En => EN,
            Lang::ZhCn => ZH_CN,
        }
    }
}

/// The unassigned reason codes the solver gives (an exhaustive match: a new code does not
/// compile until it is listed here, and then the catalog test asks for its translations).
pub fn reason_key(code: ReasonCode) -> &'static str {
    match code {
        ReasonCode::NoSkilledTechnician
        | ReasonCode::CertificationExpired
        | ReasonCode::OutOfRegion
        | ReasonCode::ExcludedTechnicians
        | ReasonCode::WindowUnreachable
        | ReasonCode::NoCapacity
        | ReasonCode::PinConflict
        | ReasonCode::ProviderShareCap
        | ReasonCode::SlaInfeasible => code.as_str(),
    }
}

/// Every reason code, for the catalog test.
pub const REASON_CODES: [ReasonCode; 9] = [
    ReasonCode::NoSkilledTechnician,
    ReasonCode::CertificationExpired,
    ReasonCode::OutOfRegion,
    ReasonCode::ExcludedTechnicians,
    ReasonCode::WindowUnreachable,
    ReasonCode::NoCapacity,
    ReasonCode::PinConflict,
    ReasonCode::ProviderShareCap,
    ReasonCode::SlaInfeasible,
];

/// Codes of [`super::Change::why`].
pub const CHANGE_CODES: [&str; 4] = ["newly_planned", "dropped", "moved_day", "moved_technician"];

const EN: &[(&str, &str)] = &[
    ("title", "Rota nightly batch — {start} + {days} days"),
    ("outcome", "Outcome"),
    ("outcome.committed", "**committed** plan version v{version} (parent {parent})"),
    ("outcome.saved", "**saved** shard plan v{version} (not current; merge the shards)"),
    ("outcome.conflict", "**conflict** — the database changed during the run; nothing was committed"),
    ("outcome.infeasible", "**failed** — the plan broke a hard rule; nothing was committed"),
    ("none", "none"),
    (
        "nothing_to_plan",
        "**Nothing to plan**: no open or planned visit falls in this horizon (all done, cancelled or outside it, or no technician works). The new version is an empty plan.",
    ),
    ("database", "Database: `{path}` (revision {revision} read)"),
    ("shard", "Shard: {shard}"),
    (
        "scope",
        "Scope: {visits} visits ({kept} dispatched/in progress kept, {pinned} pinned), {technicians} technicians",
    ),
    ("run", "Run: seed {seed}, time limit {limit} s, {rounds} improvement rounds, solve {solve} s, total {total} s"),
    ("h.kpis", "KPIs"),
    ("col.kpi", "KPI"),
    ("col.before", "before"),
    ("col.after", "after"),
    ("kpi.assigned", "visits assigned"),
    ("kpi.assigned.value", "{assigned} of {visits}"),
    ("kpi.unassigned", "unassigned"),
    ("kpi.sla", "SLA attainment"),
    ("kpi.response", "response mean / p90"),
    ("kpi.emergency", "emergency response"),
    ("kpi.first_time_fix", "first-time fix"),
    ("kpi.travel", "travel time, distance"),
    ("kpi.travel.value", "{hours}, {km}"),
    ("kpi.utilization", "utilization"),
    ("kpi.routes", "routes / technicians"),
    ("kpi.objective", "objective"),
    ("unit.pct", "{x} %"),
    ("unit.h", "{x} h"),
    ("unit.min", "{x} min"),
    ("unit.km", "{x} km"),
    ("before.note", "*Before* is the current plan version as committed (its own horizon)."),
    ("h.changed", "What changed"),
    (
        "change_budget",
        "Change budget: at most {max} communicated appointments may move; the free plan moved {wanted}, {held} were held in place, {moved} moved.",
    ),
    (
        "changed.summary",
        "{changed} visits changed technician or day ({communicated} of them communicated appointments); {retimed} kept their technician and day with a new time.",
    ),
    ("col.visit", "visit"),
    ("col.priority", "priority"),
    ("col.from", "from"),
    ("col.to", "to"),
    ("col.communicated", "communicated"),
    ("col.why", "why"),
    ("col.reason", "reason"),
    ("yes", "yes"),
    ("no", "no"),
    ("priority.emergency", "emergency"),
    ("priority.vip", "vip"),
    ("priority.standard", "standard"),
    ("why.newly_planned", "newly planned"),
    ("why.dropped", "dropped"),
    ("why.dropped_because", "dropped: {code} — {detail}"),
    ("why.moved_day", "moved to another day of the same technician by re-optimization (lower total cost)"),
    ("why.moved_technician", "moved to another technician by re-optimization (lower total cost)"),
    ("more", "…and {n} more (all in the JSON report)."),
    ("h.unassigned", "Unassigned ({n})"),
    ("unassigned.count", "{name} (`{code}`): {n}"),
    ("unassigned.row", "`{code}` {detail}"),
    ("reason.no_skilled_technician", "no technician with the skills"),
    ("reason.certification_expired", "certification expired"),
    ("reason.out_of_region", "out of every technician's region"),
    ("reason.excluded_technicians", "every able technician excluded"),
    ("reason.window_unreachable", "time window unreachable"),
    ("reason.no_capacity", "no capacity left"),
    ("reason.pin_conflict", "pin cannot be kept"),
    ("reason.provider_share_cap", "provider share cap reached"),
    ("reason.sla_infeasible", "SLA deadline cannot be met"),
    ("h.objective", "Objective by term (after)"),
    ("term.travel_time", "travel time"),
    ("term.travel_distance", "travel distance"),
    ("term.sla_lateness", "SLA lateness"),
    ("term.unassigned", "unassigned visits"),
    ("term.secondary_region", "secondary region"),
    ("term.preferred_technician", "preferred technician missed"),
    ("term.over_qualification", "over-qualification"),
    ("term.provider_rating", "provider rating"),
    ("term.provider_min_share", "provider minimum share"),
    ("term.workload_balance", "workload balance"),
    ("term.disruption", "disruption of the current plan"),
];

const ZH_CN: &[(&str, &str)] = &[
    ("title", "Rota 夜间批量重排报告 — {start} 起 {days} 天"),
    ("outcome", "结果"),
    ("outcome.committed", "**已提交** 计划版本 v{version}（上一版本：{parent}）"),
    ("outcome.saved", "**已保存** 分片计划 v{version}（尚未生效，需合并各分片）"),
    ("outcome.conflict", "**冲突** — 运行期间数据库已被修改，未提交任何内容"),
    ("outcome.infeasible", "**失败** — 计划违反了硬性规则，未提交任何内容"),
    ("none", "无"),
    (
        "nothing_to_plan",
        "**无需排程**：此时间范围内没有待排的工单（均已完成、已取消或不在范围内，或没有技术员上班）。新版本为空计划。",
    ),
    ("database", "数据库：`{path}`（读取时的修订号 {revision}）"),
    ("shard", "分片：{shard}"),
    (
        "scope",
        "范围：{visits} 个上门任务（保留已派工/进行中 {kept} 个，固定安排 {pinned} 个），技术员 {technicians} 名",
    ),
    ("run", "运行：随机种子 {seed}，时间上限 {limit} 秒，改进轮数 {rounds}，求解 {solve} 秒，总计 {total} 秒"),
    ("h.kpis", "关键指标"),
    ("col.kpi", "指标"),
    ("col.before", "重排前"),
    ("col.after", "重排后"),
    ("kpi.assigned", "已分配任务"),
    ("kpi.assigned.value", "{assigned} / {visits}"),
    ("kpi.unassigned", "未分配"),
    ("kpi.sla", "SLA 达成率"),
    ("kpi.response", "响应时间（平均 / P90）"),
    ("kpi.emergency", "紧急任务响应时间"),
    ("kpi.first_time_fix", "首次修复率"),
    ("kpi.travel", "行驶时间、里程"),
    ("kpi.travel.value", "{hours}，{km}"),
    ("kpi.utilization", "工时利用率"),
    ("kpi.routes", "路线数 / 出勤技术员"),
    ("kpi.objective", "目标函数值"),
    ("unit.pct", "{x}%"),
    ("unit.h", "{x} 小时"),
    ("unit.min", "{x} 分钟"),
    ("unit.km", "{x} 公里"),
    ("before.note", "*重排前* 指当前已提交的计划版本（按其自身的计划期）。"),
    ("h.changed", "变更内容"),
    (
        "change_budget",
        "变更预算：最多允许调整 {max} 个已通知客户的预约；不受限的计划会调整 {wanted} 个，其中 {held} 个保持原位，实际调整 {moved} 个。",
    ),
    (
        "changed.summary",
        "{changed} 个任务更换了技术员或日期（其中 {communicated} 个为已通知客户的预约）；{retimed} 个任务技术员和日期不变，仅调整了时间。",
    ),
    ("col.visit", "任务"),
    ("col.priority", "优先级"),
    ("col.from", "原安排"),
    ("col.to", "新安排"),
    ("col.communicated", "已通知客户"),
    ("col.why", "原因"),
    ("col.reason", "原因"),
    ("yes", "是"),
    ("no", "否"),
    ("priority.emergency", "紧急"),
    ("priority.vip", "VIP"),
    ("priority.standard", "标准"),
    ("why.newly_planned", "新排入计划"),
    ("why.dropped", "移出计划"),
    ("why.dropped_because", "移出计划：{name}（`{code}`）"),
    ("why.moved_day", "重新优化后改到同一技术员的另一天（总成本更低）"),
    ("why.moved_technician", "重新优化后改派给其他技术员（总成本更低）"),
    ("more", "……另有 {n} 条（完整列表见 JSON 报告）。"),
    ("h.unassigned", "未分配（{n}）"),
    ("unassigned.count", "{name}（`{code}`）：{n}"),
    ("unassigned.row", "{name}（`{code}`）"),
    ("reason.no_skilled_technician", "没有具备所需技能的技术员"),
    ("reason.certification_expired", "资质证书已过期"),
    ("reason.out_of_region", "不在任何技术员的服务区域内"),
    ("reason.excluded_technicians", "可胜任的技术员均被排除"),
    ("reason.window_unreachable", "无法在预约时间窗内到达"),
    ("reason.no_capacity", "技术员工时已满"),
    ("reason.pin_conflict", "无法满足固定安排"),
    ("reason.provider_share_cap", "已达服务商份额上限"),
    ("reason.sla_infeasible", "无法满足 SLA 时限"),
    ("h.objective", "目标函数分项（重排后）"),
    ("term.travel_time", "行驶时间"),
    ("term.travel_distance", "行驶里程"),
    ("term.sla_lateness", "SLA 超时"),
    ("term.unassigned", "未分配任务"),
    ("term.secondary_region", "跨区服务"),
    ("term.preferred_technician", "未派给指定技术员"),
    ("term.over_qualification", "资质过高"),
    ("term.provider_rating", "服务商评级"),
    ("term.provider_min_share", "服务商最低份额"),
    ("term.workload_balance", "工作量均衡"),
    ("term.disruption", "对现行计划的改动"),
];

/// The message of `key` in `lang` (e.g. `reason.no_capacity`), placeholders unfilled.
pub fn message(lang: Lang, key: &str) -> Option<&'static str> {
    lang.catalog().iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

/// One language's messages.
struct Messages(BTreeMap<&'static str, &'static str>);

impl Messages {
    fn new(lang: Lang) -> Messages {
        Messages(lang.catalog().iter().copied().collect())
    }

    /// The message of `key` (the key itself if missing — the catalog test keeps that from
    /// happening).
    fn t(&self, key: &str) -> String {
        self.0.get(key).map_or_else(|| key.to_string(), |s| s.to_string())
    }

    /// The message of `key` with `{name}` placeholders filled.
    fn f(&self, key: &str, params: &[(&str, &dyn std::fmt::Display)]) -> String {
        let mut s = self.t(key);
        for (name, value) in params {
            s = s.replace(&format!("{{{name}}}"), &value.to_string());
        }
        s
    }

    /// The reason code's name, or the code itself for one this catalog does not know.
    fn reason(&self, code: &str) -> String {
        let key = format!("reason.{code}");
        self.0.get(key.as_str()).map_or_else(|| code.to_string(), |s| s.to_string())
    }
}

/// One decimal.
fn d1(x: f64) -> String {
    format!("{x:.1}")
}

/// The report as Markdown in `lang`.
pub fn markdown(r: &BatchReport, lang: Lang) -> String {
    let m = Messages::new(lang);
    let mut o = String::new();
    let _ = writeln!(o, "# {}\n", m.f("title", &[("start", &r.horizon_start), ("days", &r.horizon_days)]));
    let parent = r.parent.map_or(m.t("none"), |p| format!("v{p}"));
    let version = r.version.unwrap_or_default();
    let outcome = match r.outcome.as_str() {
        "committed" => m.f("outcome.committed", &[("version", &version), ("parent", &parent)]),
        "saved" => m.f("outcome.saved", &[("version", &version)]),
        "conflict" => m.t("outcome.conflict"),
        "infeasible" => m.t("outcome.infeasible"),
        other => other.to_string(),
    };
    let colon = if lang == Lang::ZhCn { "：" } else { ": " };
    let _ = writeln!(o, "- {}{colon}{outcome}", m.t("outcome"));
    if r.visits == 0 {
        let _ = writeln!(o, "- {}", m.t("nothing_to_plan"));
    }
    let _ = writeln!(o, "- {}", m.f("database", &[("path", &r.database), ("revision", &r.revision_read)]));
    if let Some(s) = &r.shard {
        let _ = writeln!(o, "- {}", m.f("shard", &[("shard", s)]));
    }
    let _ = writeln!(
        o,
        "- {}",
        m.f(
            "scope",
            &[("visits", &r.visits), ("kept", &r.kept_fixed), ("pinned", &r.pinned), ("technicians", &r.technicians)]
        )
    );
    let _ = writeln!(
        o,
        "- {}\n",
        m.f(
            "run",
            &[
                ("seed", &r.seed),
                ("limit", &format!("{:.0}", r.time_limit_s)),
                ("rounds", &r.iterations),
                ("solve", &d1(r.solve_s)),
                ("total", &d1(r.elapsed_s)),
            ]
        )
    );

    let _ = writeln!(o, "## {}\n", m.t("h.kpis"));
    let _ = writeln!(o, "| {} | {} | {} |\n|---|---:|---:|", m.t("col.kpi"), m.t("col.before"), m.t("col.after"));
    let b = r.kpis_before.as_ref();
    let a = &r.kpis_after;
    let pct = |x: f64| m.f("unit.pct", &[("x", &d1(x))]);
    let hours = |x: f64| m.f("unit.h", &[("x", &d1(x))]);
    let row = |o: &mut String, key: &str, f: &dyn Fn(&Kpis) -> String| {
        let _ = writeln!(o, "| {} | {} | {} |", m.t(key), b.map_or("—".into(), f), f(a));
    };
    row(&mut o, "kpi.assigned", &|k| m.f("kpi.assigned.value", &[("assigned", &k.assigned), ("visits", &k.visits)]));
    row(&mut o, "kpi.unassigned", &|k| k.unassigned.to_string());
    row(&mut o, "kpi.sla", &|k| pct(k.sla_attainment_pct));
    row(&mut o, "kpi.response", &|k| format!("{} / {}", hours(k.response_hours_mean), hours(k.response_hours_p90)));
    row(&mut o, "kpi.emergency", &|k| m.f("unit.min", &[("x", &format!("{:.0}", k.emergency_response_minutes_mean))]));
    row(&mut o, "kpi.first_time_fix", &|k| pct(k.first_time_fix_pct));
    row(&mut o, "kpi.travel", &|k| {
        let km = m.f("unit.km", &[("x", &format!("{:.0}", k.travel_km))]);
        m.f("kpi.travel.value", &[("hours", &hours(k.travel_hours)), ("km", &km)])
    });
    row(&mut o, "kpi.utilization", &|k| pct(k.utilization_pct));
    row(&mut o, "kpi.routes", &|k| format!("{} / {}", k.routes, k.technicians_used));
    let _ = writeln!(
        o,
        "| {} | {} | {} |\n",
        m.t("kpi.objective"),
        r.objective_before.map_or("—".into(), d1),
        d1(r.objective_after)
    );
    if r.kpis_before.is_some() {
        let _ = writeln!(o, "{}\n", m.t("before.note"));
    }

    let _ = writeln!(o, "## {}\n", m.t("h.changed"));
    if let Some(cb) = &r.change_budget {
        let _ = writeln!(
            o,
            "{}\n",
            m.f(
                "change_budget",
                &[("max", &cb.max_changes), ("wanted", &cb.wanted), ("held", &cb.held_back), ("moved", &cb.moved)]
            )
        );
    }
    let communicated = r.changed.iter().filter(|c| c.communicated).count();
    let _ = writeln!(
        o,
        "{}\n",
        m.f(
            "changed.summary",
            &[("changed", &r.changed.len()), ("communicated", &communicated), ("retimed", &r.retimed)]
        )
    );
    if !r.changed.is_empty() {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} |\n|---|---|---|---|---|---|",
            m.t("col.visit"),
            m.t("col.priority"),
            m.t("col.from"),
            m.t("col.to"),
            m.t("col.communicated"),
            m.t("col.why")
        );
        let slot = |s: &Option<Slot>| s.as_ref().map_or("—".to_string(), |s| format!("{} {}", s.technician, s.start));
        const SHOWN: usize = 200;
        for c in r.changed.iter().take(SHOWN) {
            let why = match &c.reason_code {
                Some(code) if c.why == "dropped" => m.f(
                    "why.dropped_because",
                    &[("code", code), ("name", &m.reason(code)), ("detail", &c.reason_detail.as_deref().unwrap_or(""))],
                ),
                _ => m.t(&format!("why.{}", c.why)),
            };
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} | {} |",
                c.visit,
                m.t(&format!("priority.{}", c.priority)),
                slot(&c.from),
                slot(&c.to),
                m.t(if c.communicated { "yes" } else { "no" }),
                why.trim_end()
            );
        }
        if r.changed.len() > SHOWN {
            let _ = writeln!(o, "\n{}", m.f("more", &[("n", &(r.changed.len() - SHOWN))]));
        }
        let _ = writeln!(o);
    }

    let _ = writeln!(o, "## {}\n", m.f("h.unassigned", &[("n", &r.unassigned.len())]));
    if !r.unassigned.is_empty() {
        let mut by: BTreeMap<&str, usize> = BTreeMap::new();
        for u in &r.unassigned {
            *by.entry(u.code.as_str()).or_default() += 1;
        }
        for (code, n) in by {
            let _ =
                writeln!(o, "- {}", m.f("unassigned.count", &[("name", &m.reason(code)), ("code", &code), ("n", &n)]));
        }
        let _ = writeln!(o, "\n| {} | {} |\n|---|---|", m.t("col.visit"), m.t("col.reason"));
        for u in r.unassigned.iter().take(200) {
            let reason =
                m.f("unassigned.row", &[("name", &m.reason(&u.code)), ("code", &u.code), ("detail", &u.reason)]);
            let _ = writeln!(o, "| {} | {} |", u.visit, reason.trim_end());
        }
        if r.unassigned.len() > 200 {
            let _ = writeln!(o, "\n{}", m.f("more", &[("n", &(r.unassigned.len() - 200))]));
        }
        let _ = writeln!(o);
    }
    let _ = writeln!(o, "## {}\n", m.t("h.objective"));
    for (name, v) in r.objective_terms_after.named() {
        if v.abs() > 1e-9 {
            let _ = writeln!(o, "- {}{colon}{}", m.t(&format!("term.{name}")), d1(v));
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn keys(lang: Lang) -> BTreeSet<&'static str> {
        lang.catalog().iter().map(|(k, _)| *k).collect()
    }

    #[test]
    fn both_catalogs_have_the_same_keys_and_no_duplicates() {
        for lang in [Lang::En, Lang::ZhCn] {
            assert_eq!(keys(lang).len(), lang.catalog().len(), "{} has a key twice", lang.tag());
        }
        let en = keys(Lang::En);
        let zh = keys(Lang::ZhCn);
        assert_eq!(en.symmetric_difference(&zh).collect::<Vec<_>>(), Vec::<&&str>::new(), "keys in only one catalog");
    }

    #[test]
    fn every_code_the_report_can_show_has_a_message_in_every_language() {
        let mut needed: Vec<String> = REASON_CODES.iter().map(|&c| format!("reason.{}", reason_key(c))).collect();
        needed.extend(CHANGE_CODES.iter().map(|c| format!("why.{c}")));
        needed.extend(rota_solver::format::Priority::ALL.iter().map(|p| format!("priority.{}", p.as_str())));
        needed.extend(rota_solver::format::ObjectiveTerms::default().named().iter().map(|(n, _)| format!("term.{n}")));
        for lang in [Lang::En, Lang::ZhCn] {
            let k = keys(lang);
            for key in &needed {
                assert!(k.contains(key.as_str()), "{} lacks {key}", lang.tag());
            }
        }
    }

    #[test]
    fn chinese_messages_are_chinese() {
        // Every zh-CN message but pure placeholders/units has CJK text or full-width punctuation;
        // none is a copy of the English one.
        let en: BTreeMap<_, _> = EN.iter().copied().collect();
        for (k, v) in ZH_CN {
            let has_cjk = v.chars().any(|c| {
                ('\u{4e00}'..='\u{9fff}').contains(&c)
                    || ('\u{3000}'..='\u{303f}').contains(&c)
                    || ('\u{ff00}'..='\u{ffef}').contains(&c)
            });
            let exempt = ["kpi.assigned.value", "unit.pct", "priority.vip"];
            assert!(has_cjk || exempt.contains(k), "zh-CN {k} = {v:?} has no Chinese");
            if !exempt.contains(k) {
                assert_ne!(en.get(k), Some(v), "zh-CN {k} is the English text");
            }
        }
    }

    #[test]
    fn language_tags() {
        assert_eq!(Lang::parse("zh-CN"), Ok(Lang::ZhCn));
        assert_eq!(Lang::parse("zh_cn"), Ok(Lang::ZhCn));
        assert_eq!(Lang::parse("en"), Ok(Lang::En));
        let e = Lang::parse("fr").unwrap_err();
        assert!(e.contains("en, zh-CN"), "{e}");
    }
}
