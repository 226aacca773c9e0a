package retention

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Duration is a calendar span as restic writes it: "1y5m7d2h" is one year,
// five months, seven days and two hours. Months and years are calendar
// months and years (time.AddDate), not fixed numbers of hours.
type Duration struct {
	Years, Months, Days, Hours int
}

// ParseDuration reads a Duration: one or more numbers each followed by a
// unit, y, m, d or h ("30d", "2y5m", "12h").
func ParseDuration(s string) (Duration, error) {
	var d Duration
	if s == "" {
		return d, fmt.Errorf("invalid duration %q: empty", s)
	}
	seen := map[byte]bool{}
	rest := s
	for rest != "" {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 0 {
			return Duration{}, fmt.Errorf("invalid duration %q: expected a number before %q (use y, m, d and h, as in 1y5m7d2h)", s, rest)
		}
		if i == len(rest) {
			return Duration{}, fmt.Errorf("invalid duration %q: %s has no unit (y, m, d or h)", s, rest)
		}
		n, err := strconv.Atoi(rest[:i])
		if err != nil {
			return Duration{}, fmt.Errorf("invalid duration %q: %w", s, err)
		}
		unit := rest[i]
		if seen[unit] {
			return Duration{}, fmt.Errorf("invalid duration %q: unit %q given twice", s, unit)
		}
		seen[unit] = true
		switch unit {
		case 'y':
			d.Years = n
		case 'm':
			d.Months = n
		case 'd':
			d.Days = n
		case 'h':
			d.Hours = n
		default:
			return Duration{}, fmt.Errorf("invalid duration %q: unknown unit %q (use y, m, d and h; a week is 7d)", s, unit)
		}
		rest = rest[i+1:]
	}
	return d, nil
}

// IsZero reports whether d is no span at all.
func (d Duration) IsZero() bool { return d == Duration{} }

// String writes d as ParseDuration reads it, "0h" for zero.
func (d Duration) String() string {
	var b strings.Builder
	for _, p := range []struct {
		n    int
		unit string
	}{{d.Years, "y"}, {d.Months, "m"}, {d.Days, "d"}, {d.Hours, "h"}} {
		if p.n != 0 {
			fmt.Fprintf(&b, "%d%s", p.n, p.unit)
		}
	}
	if b.Len() == 0 {
		return "0h"
	}
	return b.String()
}

// Before returns the instant d before t, in t's location.
func (d Duration) Before(t time.Time) time.Time {
	return t.AddDate(-d.Years, -d.Months, -d.Days).Add(-time.Duration(d.Hours) * time.Hour)
}
