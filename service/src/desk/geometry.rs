//! `route_lines`: the lines the map draws for a day's routes, along the roads of the problem's
//! road network (straight where there is none). Read-only.

use chrono::NaiveDate;
use rota_solver::travel::geometry::{Coord, places, route_line, route_places};
use serde::Serialize;
use ts_rs::TS;

use super::{BackendError, Desk};

/// One route's line on the map.
#[derive(Clone, Debug, Serialize, PartialEq, TS)]
pub struct RouteLine {
    pub technician: String,
    pub day: NaiveDate,
    /// `road` when every leg follows the roads, `straight` otherwise.
    #[ts(type = "\"road\" | \"straight\"")]
    pub line: &'static str,
    /// `[lon, lat]` from the start site through the stops to the end site.
    pub coordinates: Vec<Coord>,
}

impl Desk {
    /// `route_lines`: the routes of `day` in the current plan (`version = None`) or a saved
    /// version, each as the line a technician drives.
    pub fn route_lines(&self, version: Option<i64>, day: NaiveDate) -> Result<Vec<RouteLine>, BackendError> {
        let view = self.load_plan(version)?;
        let at = places(&self.model.problem);
        let roads = self.model.road.as_deref().map(|r| &r.graph);
        Ok(view
            .plan
            .routes
            .iter()
            .filter(|r| r.day == day)
            .map(|r| {
                let (coordinates, kind) = route_line(&route_places(r, &at), roads);
                RouteLine { technician: r.technician.clone(), day: r.day, line: kind.as_str(), coordinates }
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn place(desk: &Desk, id: &str) -> Coord {
        let p = desk.load_problem();
        let l = p
            .sites
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.location)
            .or_else(|| p.visits.iter().find(|v| v.id == id).map(|v| v.location))
            .expect("place exists");
        [l.lon, l.lat]
    }

    #[test]
    fn the_sample_routes_follow_the_roads_through_every_stop_in_order() {
        let dir = std::env::temp_dir().join(format!("rota-desk-lines-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let desk = Desk::open_or_create_sample_with(&dir.join("rota.db"), Duration::from_secs(2)).unwrap();
        let plan = desk.current_plan().clone();
        let day = plan.routes[0].day;
        let lines = desk.route_lines(None, day).unwrap();
        let routes: Vec<_> = plan.routes.iter().filter(|r| r.day == day).collect();
        assert_eq!(lines.len(), routes.len(), "one line per route of the day");
        for (route, line) in routes.iter().zip(&lines) {
            assert_eq!((line.technician.as_str(), line.day), (route.technician.as_str(), day));
            assert_eq!(line.line, "road", "the sample has a road network: {}", route.technician);
            assert_eq!(line.coordinates.first(), Some(&place(&desk, &route.start_site)));
            assert_eq!(line.coordinates.last(), Some(&place(&desk, &route.end_site)));
            // Every stop is on the line, in driving order, and the roads add bends between them.
            let mut from = 0;
            for stop in &route.stops {
                let at = line.coordinates[from..]
                    .iter()
                    .position(|c| *c == place(&desk, &stop.visit))
                    .unwrap_or_else(|| panic!("{} missing or out of order", stop.visit));
                from += at;
            }
            assert!(line.coordinates.len() > route.stops.len() + 2, "{}: straight legs only", route.technician);
        }
        let other_day = day.succ_opt().unwrap();
        assert!(desk.route_lines(None, other_day).unwrap().iter().all(|l| l.day == other_day));
        assert_eq!(desk.route_lines(Some(987_654), day).unwrap_err().code, "unknown_version");
        drop(desk);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
