// Locale formatting through Intl, and the language choice.
import { describe, expect, it } from 'vitest';
import { fmtDay, fmtDistance, fmtDuration, fmtNumber, fmtPercent, fmtTime, fmtWeekday, WEEK_STARTS_ON } from '../src/lib/format';
import { at, horizonDays, minOfDay, toMin, fromMin, weekday } from '../src/lib/time';
import { matchLocale } from '../src/lib/i18n';

describe('formatting', () => {
  it('24-hour times in both languages, never shifted by the viewer time zone', () => {
    expect(fmtTime('en', '2026-12-07T15:05')).toBe('15:05');
    expect(fmtTime('zh-CN', '2026-12-07T15:05')).toBe('15:05');
    expect(fmtTime('en', '2026-12-07T00:30')).toBe('00:30');
  });
  it('days and weekdays', () => {
    expect(fmtDay('en', '2026-12-07')).toBe('Mon, Dec 7');
    expect(fmtDay('zh-CN', '2026-12-07')).toBe('12月7日周一');
    expect(fmtWeekday('zh-CN', '2026-12-13')).toBe('星期日');
    expect(weekday('2026-12-07')).toBe('mon');
    expect(WEEK_STARTS_ON).toBe(1);
  });
  it('numbers, percentages, durations and distances', () => {
    expect(fmtNumber('en', 12345.6, 1)).toBe('12,345.6');
    expect(fmtPercent('en', 91.666)).toBe('91.7%');
    expect(fmtPercent('zh-CN', 91.666)).toBe('91.7%');
    expect(fmtDuration('en', 85)).toBe('1 hr 25 min');
    expect(fmtDuration('zh-CN', 85)).toBe('1小时 25分钟');
    expect(fmtDuration('en', 30)).toBe('30 min');
    expect(fmtDistance('en', 850)).toBe('850 m');
    expect(fmtDistance('en', 12345)).toBe('12.3 km');
    expect(fmtDistance('zh-CN', 12345)).toBe('12.3公里');
  });
  it('local time arithmetic', () => {
    expect(minOfDay('2026-12-07T08:30:30')).toBe(510.5);
    expect(at('2026-12-07', 1440)).toBe('2026-12-08T00:00');
    expect(fromMin(toMin('2026-12-07T08:30:15'))).toBe('2026-12-07T08:30:15');
    expect(horizonDays('2026-12-07', 5)).toEqual(['2026-12-07', '2026-12-08', '2026-12-09', '2026-12-10', '2026-12-11']);
  });
  it('language: Chinese variants map to zh-CN, everything else to English', () => {
    expect(matchLocale('zh-CN')).toBe('zh-CN');
    expect(matchLocale('zh-Hans-SG')).toBe('zh-CN');
    expect(matchLocale('de-DE')).toBe('en');
    expect(matchLocale(undefined)).toBe('en');
  });
});
