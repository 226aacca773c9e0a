package retention_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/stewardhq/steward/providers/backup/retention"
)

// reference is a deliberately naive second reading of the documented
// rules, sharing nothing with the package: for each counted rule, collect
// the distinct periods that have snapshots, take the N whose newest
// snapshot is newest, and keep that newest snapshot of each. It assumes one
// group and snapshots in one time zone (where periods do not interleave).
func reference(snaps []retention.Snapshot, p retention.Policy, now time.Time) map[string][]string {
	type period struct {
		key    string
		newest retention.Snapshot
	}
	byPeriod := func(snaps []retention.Snapshot, keyOf func(retention.Snapshot) string) []period {
		m := map[string]retention.Snapshot{}
		for _, s := range snaps {
			k := keyOf(s)
			if cur, ok := m[k]; !ok || s.Time.After(cur.Time) || (s.Time.Equal(cur.Time) && s.ID < cur.ID) {
				m[k] = s
			}
		}
		var out []period
		for k, s := range m {
			out = append(out, period{k, s})
		}
		// Newest first; snapshots taken at the same instant by their ID.
		sort.Slice(out, func(i, j int) bool {
			a, b := out[i].newest, out[j].newest
			if !a.Time.Equal(b.Time) {
				return a.Time.After(b.Time)
			}
			return a.ID < b.ID
		})
		return out
	}
	hour := func(s retention.Snapshot) string {
		t := s.Time
		return fmt.Sprint(t.Year(), int(t.Month()), t.Day(), t.Hour())
	}
	day := func(s retention.Snapshot) string { t := s.Time; return fmt.Sprint(t.Year(), int(t.Month()), t.Day()) }
	week := func(s retention.Snapshot) string { y, w := s.Time.ISOWeek(); return fmt.Sprint(y, "W", w) }
	month := func(s retention.Snapshot) string { return fmt.Sprint(s.Time.Year(), int(s.Time.Month())) }
	year := func(s retention.Snapshot) string { return fmt.Sprint(s.Time.Year()) }
	unique := func(s retention.Snapshot) string { return s.ID } // "last": each snapshot is its own period

	reasons := map[string][]string{}
	add := func(id, reason string) { reasons[id] = append(reasons[id], reason) }
	if p.IsZero() {
		for _, s := range snaps {
			add(s.ID, "policy is empty")
		}
		return reasons
	}
	// The group's oldest snapshot: the last one taken newest first.
	var oldest retention.Snapshot
	for i, s := range snaps {
		if i == 0 || s.Time.Before(oldest.Time) || (s.Time.Equal(oldest.Time) && s.ID > oldest.ID) {
			oldest = s
		}
	}
	var newest time.Time
	for _, s := range snaps {
		if s.Time.After(newest) && !s.Time.After(now) {
			newest = s.Time
		}
	}
	since := func(d retention.Duration) time.Time {
		return newest.AddDate(-d.Years, -d.Months, -d.Days).Add(-time.Duration(d.Hours) * time.Hour)
	}
	for _, s := range snaps {
		for _, tags := range p.Tags {
			all := true
			for _, t := range tags {
				all = all && slices.Contains(s.Tags, t)
			}
			if all {
				add(s.ID, fmt.Sprintf("has tags %v", tags))
			}
		}
		if !p.Within.IsZero() && s.Time.After(since(p.Within)) {
			add(s.ID, "within "+p.Within.String())
		}
	}
	for _, r := range []struct {
		n      int
		keyOf  func(retention.Snapshot) string
		reason string
	}{
		{p.Last, unique, "last snapshot"}, {p.Hourly, hour, "hourly snapshot"}, {p.Daily, day, "daily snapshot"},
		{p.Weekly, week, "weekly snapshot"}, {p.Monthly, month, "monthly snapshot"}, {p.Yearly, year, "yearly snapshot"},
	} {
		if r.n == 0 {
			continue
		}
		periods := byPeriod(snaps, r.keyOf)
		// With KeepOldest, a rule with counts left after every period also
		// keeps the oldest snapshot, unless it keeps it already.
		if p.KeepOldest && (r.n < 0 || len(periods) < r.n) && oldest.ID != periods[len(periods)-1].newest.ID {
			add(oldest.ID, "oldest "+r.reason)
		}
		if r.n >= 0 && len(periods) > r.n {
			periods = periods[:r.n]
		}
		for _, per := range periods {
			add(per.newest.ID, r.reason)
		}
	}
	for _, r := range []struct {
		d      retention.Duration
		keyOf  func(retention.Snapshot) string
		reason string
	}{
		{p.WithinHourly, hour, "hourly within"}, {p.WithinDaily, day, "daily within"}, {p.WithinWeekly, week, "weekly within"},
		{p.WithinMonthly, month, "monthly within"}, {p.WithinYearly, year, "yearly within"},
	} {
		if r.d.IsZero() {
			continue
		}
		var recent []retention.Snapshot
		for _, s := range snaps {
			if s.Time.After(since(r.d)) {
				recent = append(recent, s)
			}
		}
		periods := byPeriod(recent, r.keyOf)
		for _, per := range periods {
			add(per.newest.ID, r.reason+" "+r.d.String())
		}
		if p.KeepOldest && slices.ContainsFunc(recent, func(s retention.Snapshot) bool { return s.ID == oldest.ID }) &&
			periods[len(periods)-1].newest.ID != oldest.ID {
			add(oldest.ID, "oldest "+r.reason+" "+r.d.String())
		}
	}
	return reasons
}

// compare checks Apply against the reference: the same snapshots kept, for
// the same reasons (as sets: the reference finds them in another order).
func compare(t *testing.T, snaps []retention.Snapshot, p retention.Policy) {
	t.Helper()
	want := reference(snaps, p, now)
	keep, remove := retention.ApplyWith(snaps, p, retention.Options{Now: now})
	got := map[string][]string{}
	for _, d := range keep {
		got[d.Snapshot.ID] = d.Reasons
	}
	if len(keep)+len(remove) != len(snaps) {
		t.Errorf("policy %s: %d kept + %d removed of %d", p, len(keep), len(remove), len(snaps))
	}
	for id, w := range want {
		g := slices.Clone(got[id])
		w = slices.Clone(w)
		slices.Sort(g)
		slices.Sort(w)
		if !slices.Equal(g, w) {
			t.Errorf("policy %s: %s kept for %q, the reference says %q", p, id, g, w)
		}
	}
	for id, g := range got {
		if _, ok := want[id]; !ok {
			t.Errorf("policy %s: %s kept for %q, the reference removes it", p, id, g)
		}
	}
}

func TestAgainstReferenceOnTable(t *testing.T) {
	snaps := tableSnapshots(t)
	snaps[3].Tags = []string{"keep"}
	snaps[17].Tags = []string{"keep", "db"}
	counts := []int{0, 1, 2, 3, 5, 8, retention.Unlimited}
	spans := []retention.Duration{{}, {Hours: 5}, {Days: 3}, {Days: 40}, {Months: 7}, {Years: 1, Months: 2}, {Years: 3}}
	rng := rand.New(rand.NewPCG(3, 4))
	pick := func(xs []int) int { return xs[rng.IntN(len(xs))] }
	span := func() retention.Duration { return spans[rng.IntN(len(spans))] }
	// Every single rule at every value, then random combinations.
	var policies []retention.Policy
	for _, n := range counts {
		policies = append(policies,
			retention.Policy{Last: n}, retention.Policy{Hourly: n}, retention.Policy{Daily: n},
			retention.Policy{Weekly: n}, retention.Policy{Monthly: n}, retention.Policy{Yearly: n})
	}
	for _, d := range spans {
		policies = append(policies,
			retention.Policy{Within: d}, retention.Policy{WithinHourly: d}, retention.Policy{WithinDaily: d},
			retention.Policy{WithinWeekly: d}, retention.Policy{WithinMonthly: d}, retention.Policy{WithinYearly: d})
	}
	for range 300 {
		p := retention.Policy{
			Last: pick(counts), Hourly: pick(counts), Daily: pick(counts), Weekly: pick(counts),
			Monthly: pick(counts), Yearly: pick(counts), Within: span(), WithinDaily: span(), WithinMonthly: span(),
		}
		if rng.IntN(4) == 0 {
			p.Tags = [][]string{{"keep"}}
		}
		p.KeepOldest = rng.IntN(2) == 0
		policies = append(policies, p)
	}
	for _, p := range policies {
		compare(t, snaps, p)
	}
}

// Random snapshot histories: bursts of snapshots minutes apart and gaps of
// months, in a zone with daylight saving time when the system has one.
func TestAgainstReferenceRandom(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		loc = zone
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for round := range 200 {
		var snaps []retention.Snapshot
		tm := time.Date(2010+rng.IntN(10), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), rng.IntN(24), rng.IntN(60), 0, 0, loc)
		for i := range 1 + rng.IntN(60) {
			snaps = append(snaps, retention.Snapshot{ID: fmt.Sprintf("r%d-%03d", round, i), Time: tm})
			switch rng.IntN(4) {
			case 0:
				tm = tm.Add(time.Duration(rng.IntN(90)) * time.Minute)
			case 1:
				tm = tm.Add(time.Duration(rng.IntN(72)) * time.Hour)
			case 2:
				tm = tm.AddDate(0, 0, rng.IntN(20))
			default:
				tm = tm.AddDate(0, rng.IntN(8), 0)
			}
		}
		p := retention.Policy{
			Last: rng.IntN(4), Hourly: rng.IntN(6), Daily: rng.IntN(8) - 1, Weekly: rng.IntN(6),
			Monthly: rng.IntN(13), Yearly: rng.IntN(4) - 1,
		}
		if rng.IntN(2) == 0 {
			p.Within = retention.Duration{Days: rng.IntN(60)}
		}
		if rng.IntN(2) == 0 {
			p.WithinWeekly = retention.Duration{Months: rng.IntN(6)}
		}
		if rng.IntN(3) == 0 {
			p.WithinHourly = retention.Duration{Years: 2}
		}
		p.KeepOldest = rng.IntN(2) == 0
		compare(t, snaps, p)
	}
}
