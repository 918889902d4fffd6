//! The demand forecast: a weekday-seasonal profile on a linear trend, fitted per region × skill
//! on the daily hours of the visit history.
//!
//! For one series `y_t` (hours on day `t`, missing days count as 0 — the history lists the days
//! work was done):
//!
//! 1. take the last `fit_weeks` whole weeks before the forecast start;
//! 2. fit `y_t = a + s_k + b·t` by least squares: a level per weekday `k` (`a` their mean, `s_k`
//!    the weekday effect) and one linear trend `b` shared by all days;
//! 3. the forecast for a later day is `max(0, a + s_k + b·t)`.
//!
//! Nothing is tuned on the future: [`backtest`] fits on the history up to a cut-off and scores the
//! held-back weeks after it, next to a seasonal-naive baseline (the mean of the same weekday over
//! the last four weeks), so the method has to earn its keep.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

/// One row of the visit history: the work done on one day in one region for one skill.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistoryRow {
    pub date: NaiveDate,
    pub region: String,
    pub skill: String,
    pub visits: u32,
    pub hours: f64,
}

/// The fitted model of one series.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SeriesModel {
    /// First day of the fitting window (`t = 0`).
    pub origin: NaiveDate,
    pub intercept: f64,
    /// Hours per day per day.
    pub slope: f64,
    /// Additive effect per weekday, Monday first.
    pub weekday: [f64; 7],
}

impl SeriesModel {
    pub fn predict(&self, date: NaiveDate) -> f64 {
        let t = (date - self.origin).num_days() as f64;
        let k = date.weekday().num_days_from_monday() as usize;
        (self.intercept + self.slope * t + self.weekday[k]).max(0.0)
    }
}

/// Fits one daily series given as `(date, hours)` over the window `[from, to)`; days absent from
/// `daily` count as zero. `None` when the window is empty.
pub fn fit(daily: &BTreeMap<NaiveDate, f64>, from: NaiveDate, to: NaiveDate) -> Option<SeriesModel> {
    let n = (to - from).num_days();
    if n <= 0 {
        return None;
    }
    let ys: Vec<f64> = (0..n).map(|t| daily.get(&(from + Duration::days(t))).copied().unwrap_or(0.0)).collect();
    let weekday_of = |t: usize| (from + Duration::days(t as i64)).weekday().num_days_from_monday() as usize;
    // Least squares of y = level(weekday) + slope·t: the slope from the values centred within
    // each weekday (Frisch–Waugh), then each weekday's level from its means.
    let mut count = [0u32; 7];
    let mut mean_t = [0.0; 7];
    let mut mean_y = [0.0; 7];
    for (t, y) in ys.iter().enumerate() {
        let k = weekday_of(t);
        count[k] += 1;
        mean_t[k] += t as f64;
        mean_y[k] += y;
    }
    for k in 0..7 {
        if count[k] > 0 {
            mean_t[k] /= f64::from(count[k]);
            mean_y[k] /= f64::from(count[k]);
        }
    }
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for (t, y) in ys.iter().enumerate() {
        let k = weekday_of(t);
        let dt = t as f64 - mean_t[k];
        sxy += dt * (y - mean_y[k]);
        sxx += dt * dt;
    }
    let slope = if sxx > 0.0 { sxy / sxx } else { 0.0 };
    let mut level = [0.0; 7];
    for k in 0..7 {
        level[k] = mean_y[k] - slope * mean_t[k];
    }
    let present = count.iter().filter(|&&c| c > 0).count().max(1) as f64;
    let intercept = (0..7).filter(|&k| count[k] > 0).map(|k| level[k]).sum::<f64>() / present;
    let mut weekday = [0.0; 7];
    for k in 0..7 {
        if count[k] > 0 {
            weekday[k] = level[k] - intercept;
        }
    }
    Some(SeriesModel { origin: from, intercept, slope, weekday })
}

/// Daily hours per (region, skill), from history rows (several rows of one key and day add up).
pub fn series(history: &[HistoryRow]) -> BTreeMap<(String, String), BTreeMap<NaiveDate, f64>> {
    let mut out: BTreeMap<(String, String), BTreeMap<NaiveDate, f64>> = BTreeMap::new();
    for row in history {
        *out.entry((row.region.clone(), row.skill.clone())).or_default().entry(row.date).or_default() += row.hours;
    }
    out
}

/// Fits every (region, skill) series on the `fit_weeks` weeks before `start` (or on as much of
/// the history as there is, from its first day). Series with no history in the window are left
/// out (their forecast is zero).
pub fn fit_all(history: &[HistoryRow], start: NaiveDate, fit_weeks: u32) -> BTreeMap<(String, String), SeriesModel> {
    let first = history.iter().map(|r| r.date).min();
    let Some(first) = first else {
        return BTreeMap::new();
    };
    let from = (start - Duration::weeks(i64::from(fit_weeks))).max(first);
    series(history)
        .into_iter()
        .filter(|(_, daily)| daily.range(from..start).any(|(_, h)| *h > 0.0))
        .filter_map(|(key, daily)| fit(&daily, from, start).map(|m| (key, m)))
        .collect()
}

/// Forecast error of one method on held-back weeks.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ErrorStats {
    /// Mean absolute error of daily hours per region × skill.
    pub daily_mae_hours: f64,
    /// Mean absolute percentage error of weekly hours per region × skill (weeks with actual > 0).
    pub weekly_mape_pct: f64,
    /// Total forecast hours over total actual hours − 1, in percent (bias).
    pub bias_pct: f64,
}

/// The result of [`backtest`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Backtest {
    pub cutoff: NaiveDate,
    pub holdout_weeks: u32,
    pub fit_weeks: u32,
    pub series: usize,
    pub method: ErrorStats,
    /// Seasonal naive: the mean of the same weekday over the four weeks before the cut-off.
    pub seasonal_naive: ErrorStats,
}

/// Fits on the history before `cutoff` and scores the `holdout_weeks` weeks from `cutoff` on.
pub fn backtest(history: &[HistoryRow], cutoff: NaiveDate, holdout_weeks: u32, fit_weeks: u32) -> Backtest {
    let all = series(history);
    let models = fit_all(&history.iter().filter(|r| r.date < cutoff).cloned().collect::<Vec<_>>(), cutoff, fit_weeks);
    let days = i64::from(holdout_weeks) * 7;
    let mut method = Acc::default();
    let mut naive = Acc::default();
    for (key, daily) in &all {
        let model = models.get(key);
        let naive_day = |d: NaiveDate| {
            let k = d.weekday();
            let same: Vec<f64> = (1..=28)
                .map(|back| cutoff - Duration::days(back))
                .filter(|x| x.weekday() == k)
                .map(|x| daily.get(&x).copied().unwrap_or(0.0))
                .collect();
            same.iter().sum::<f64>() / same.len().max(1) as f64
        };
        for w in 0..i64::from(holdout_weeks) {
            let mut week = [0.0; 3];
            for dd in 0..7 {
                let d = cutoff + Duration::days(w * 7 + dd);
                if (d - cutoff).num_days() >= days {
                    break;
                }
                let actual = daily.get(&d).copied().unwrap_or(0.0);
                let f = model.map_or(0.0, |m| m.predict(d));
                let n = naive_day(d);
                method.day(f, actual);
                naive.day(n, actual);
                week[0] += actual;
                week[1] += f;
                week[2] += n;
            }
            method.week(week[1], week[0]);
            naive.week(week[2], week[0]);
        }
    }
    Backtest {
        cutoff,
        holdout_weeks,
        fit_weeks,
        series: all.len(),
        method: method.stats(),
        seasonal_naive: naive.stats(),
    }
}

#[derive(Default)]
struct Acc {
    abs: f64,
    days: u32,
    ape: f64,
    weeks: u32,
    forecast: f64,
    actual: f64,
}

impl Acc {
    fn day(&mut self, forecast: f64, actual: f64) {
        self.abs += (forecast - actual).abs();
        self.days += 1;
        self.forecast += forecast;
        self.actual += actual;
    }
    fn week(&mut self, forecast: f64, actual: f64) {
        if actual > 0.0 {
            self.ape += (forecast - actual).abs() / actual;
            self.weeks += 1;
        }
    }
    fn stats(&self) -> ErrorStats {
        ErrorStats {
            daily_mae_hours: self.abs / f64::from(self.days.max(1)),
            weekly_mape_pct: 100.0 * self.ape / f64::from(self.weeks.max(1)),
            bias_pct: if self.actual > 0.0 { 100.0 * (self.forecast / self.actual - 1.0) } else { 0.0 },
        }
    }
}
