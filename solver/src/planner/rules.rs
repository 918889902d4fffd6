//! The hard rules that do not depend on the rest of the plan, in the order used to explain
//! why a visit stayed unassigned: a visit's reason is the furthest rule any technician-day got
//! to before failing.

use std::collections::BTreeMap;

use crate::format::{Reason, ReasonCode};
use crate::instance::{Day, Instance, RegionAccess, TechIdx, VisitIdx};
use crate::time::LocalDateTime;

/// Checks the static rules for visit `v` done by technician `t` on `day`; the first rule
/// broken, in explanation order.
pub fn static_rules(inst: &Instance, v: VisitIdx, t: TechIdx, day: Day) -> Result<(), ReasonCode> {
    match evaluate(inst, v, t, day, false).first() {
        Some(code) => Err(code),
        None => Ok(()),
    }
}

/// Every static rule that visit `v` done by technician `t` on `day` breaks (not only the
/// first): what would have to change for this technician-day to become a candidate.
pub fn broken_rules(inst: &Instance, v: VisitIdx, t: TechIdx, day: Day) -> RuleSet {
    evaluate(inst, v, t, day, true)
}

/// A set of reason codes of static rules.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RuleSet(u16);

impl RuleSet {
    fn insert(&mut self, code: ReasonCode) {
        self.0 |= 1 << stage(code);
    }
    pub fn contains(self, code: ReasonCode) -> bool {
        self.0 & (1 << stage(code)) != 0
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }
    /// The first broken rule in explanation order.
    pub fn first(self) -> Option<ReasonCode> {
        self.iter().next()
    }
    /// The broken rules in explanation order.
    pub fn iter(self) -> impl Iterator<Item = ReasonCode> {
        ORDER.into_iter().filter(move |&c| self.contains(c))
    }
}

/// Every reason code in explanation order.
pub const ORDER: [ReasonCode; 9] = [
    ReasonCode::NoSkilledTechnician,
    ReasonCode::CertificationExpired,
    ReasonCode::OutOfRegion,
    ReasonCode::ExcludedTechnicians,
    ReasonCode::WindowUnreachable,
    ReasonCode::PinConflict,
    ReasonCode::ProviderShareCap,
    ReasonCode::SlaInfeasible,
    ReasonCode::NoCapacity,
];

/// The static rules in explanation order; with `all = false` it stops at the first broken one.
fn evaluate(inst: &Instance, v: VisitIdx, t: TechIdx, day: Day, all: bool) -> RuleSet {
    let visit = &inst.visits[v];
    let tech = &inst.technicians[t];
    let mut broken = RuleSet::default();
    macro_rules! rule {
        ($cond:expr, $code:expr) => {
            if $cond {
                broken.insert($code);
                if !all {
                    return broken;
                }
            }
        };
    }
    rule!(tech.skill_level[visit.skill] < visit.min_level, ReasonCode::NoSkilledTechnician);
    rule!(!visit.certs.iter().all(|&c| tech.holds_cert_on(c, day)), ReasonCode::CertificationExpired);
    let provider_ok = tech.provider.is_none_or(|p| {
        let provider = &inst.providers[p];
        provider.certified_on(day) && provider.serves[visit.region]
    });
    rule!(tech.region_access[visit.region] == RegionAccess::None || !provider_ok, ReasonCode::OutOfRegion);
    rule!(visit.excluded.contains(&t), ReasonCode::ExcludedTechnicians);
    let reachable = match tech.shifts.get(day as usize).copied().flatten() {
        None => false,
        Some(shift) => {
            let latest_start = shift.end - visit.duration;
            match super::schedule::fixed_start(inst, v) {
                Some(s) => shift.start <= s && s <= latest_start,
                None => visit.windows.iter().any(|&(ws, we)| ws <= latest_start && we >= shift.start),
            }
        }
    };
    rule!(!reachable, ReasonCode::WindowUnreachable);
    let pin = visit.pin;
    let pinned_elsewhere = pin.tech.is_some_and(|pt| pt != t) || pin.day.is_some_and(|pd| pd != day);
    let fixed_elsewhere = visit.status.is_fixed() && visit.current.is_some_and(|c| c.tech != t || c.day() != day);
    rule!(pinned_elsewhere || fixed_elsewhere, ReasonCode::PinConflict);
    broken
}

/// Position of a reason in explanation order (later = the visit got further).
pub fn stage(code: ReasonCode) -> u8 {
    match code {
        ReasonCode::NoSkilledTechnician => 0,
        ReasonCode::CertificationExpired => 1,
        ReasonCode::OutOfRegion => 2,
        ReasonCode::ExcludedTechnicians => 3,
        ReasonCode::WindowUnreachable => 4,
        ReasonCode::PinConflict => 5,
        ReasonCode::ProviderShareCap => 6,
        ReasonCode::SlaInfeasible => 7,
        ReasonCode::NoCapacity => 8,
    }
}

/// A reason with its readable text and parameters.
pub fn reason(inst: &Instance, v: VisitIdx, code: ReasonCode) -> Reason {
    let visit = &inst.visits[v];
    let skill = inst.skills[visit.skill].clone();
    let region = inst.regions[visit.region].id.clone();
    let certs: Vec<&str> = visit.certs.iter().map(|&c| inst.certifications[c].as_str()).collect();
    let mut params = BTreeMap::new();
    params.insert("skill".to_string(), skill.clone());
    params.insert("level".to_string(), visit.min_level.to_string());
    params.insert("region".to_string(), region.clone());
    let message = match code {
        ReasonCode::NoSkilledTechnician => format!("no technician has {skill} at level {} or above", visit.min_level),
        ReasonCode::CertificationExpired => {
            params.insert("certifications".to_string(), certs.join(", "));
            format!(
                "no technician with {skill} level {}+ holds {} valid on a day the visit could be done",
                visit.min_level,
                certs.join(" and ")
            )
        }
        ReasonCode::OutOfRegion => format!(
            "no qualified technician may work in region {region} (as a primary or secondary region, or through a certified provider serving it)"
        ),
        ReasonCode::ExcludedTechnicians => {
            format!("every qualified technician for region {region} is on the visit's excluded list")
        }
        ReasonCode::WindowUnreachable => {
            "no qualified technician is on shift at a time the visit's windows allow".to_string()
        }
        ReasonCode::PinConflict => {
            let mut pin = Vec::new();
            if let Some(t) = visit.pin.tech.or(visit.current.filter(|_| visit.status.is_fixed()).map(|c| c.tech)) {
                pin.push(format!("technician {}", inst.technicians[t].id));
                params.insert("technician".to_string(), inst.technicians[t].id.clone());
            }
            if let Some(d) = visit.pin.day {
                pin.push(format!("day {}", inst.date(d)));
                params.insert("day".to_string(), inst.date(d).to_string());
            }
            if let Some(s) = super::schedule::fixed_start(inst, v) {
                let at = LocalDateTime::from_secs(inst.origin, s).to_string();
                pin.push(format!("start {at}"));
                params.insert("start".to_string(), at);
            }
            format!("the pin ({}) cannot be honoured by an eligible technician-day", pin.join(", "))
        }
        ReasonCode::ProviderShareCap => {
            format!(
                "the only eligible technicians belong to providers already at their maximum share of region {region}"
            )
        }
        ReasonCode::SlaInfeasible => "the SLA deadline is before any qualified technician could arrive".to_string(),
        ReasonCode::NoCapacity => {
            "the routes of every eligible technician-day are full (working time, vehicle capacity or visits per day)"
                .to_string()
        }
    };
    Reason { code, message, params }
}
