package retention

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Snapshot is what retention needs to know about a snapshot.
type Snapshot struct {
	ID string
	// Time is when the snapshot was taken, in the time zone of the machine
	// that took it: periods (hours, days ...) are read in that zone.
	Time   time.Time
	Host   string
	Paths  []string
	Tags   []string
	Policy string // the backup policy that made it, if any
}

// Unlimited as a count keeps every period that has a snapshot.
const Unlimited = -1

// Policy says which snapshots to keep. The zero Policy has no rule (and
// keeps everything).
type Policy struct {
	Last    int // the N newest snapshots
	Hourly  int // the newest snapshot of each of the N newest hours with one
	Daily   int
	Weekly  int // ISO weeks, Monday to Sunday
	Monthly int
	Yearly  int

	// Within keeps every snapshot made within this span before the newest.
	Within Duration
	// WithinHourly ... WithinYearly keep the newest snapshot of every hour
	// ... year within their span before the newest snapshot.
	WithinHourly  Duration
	WithinDaily   Duration
	WithinWeekly  Duration
	WithinMonthly Duration
	WithinYearly  Duration

	// Tags keeps the snapshots that have all the tags of any one list. A
	// list holding only "" matches snapshots without tags.
	Tags [][]string

	// KeepOldest also keeps a group's oldest snapshot for each counted or
	// within-period rule that, when it reaches that snapshot, still has
	// counts left, even if a newer snapshot of its period is kept already
	// ("oldest daily snapshot"), as restic 0.16 and later do. It keeps the
	// longest history while the counts are not used up. Without it the
	// rules are those of restic 0.14.
	KeepOldest bool
}

// IsZero reports whether p has no rule at all.
func (p Policy) IsZero() bool {
	return p.Last == 0 && p.Hourly == 0 && p.Daily == 0 && p.Weekly == 0 && p.Monthly == 0 && p.Yearly == 0 &&
		p.Within.IsZero() && p.WithinHourly.IsZero() && p.WithinDaily.IsZero() && p.WithinWeekly.IsZero() &&
		p.WithinMonthly.IsZero() && p.WithinYearly.IsZero() && len(p.Tags) == 0
}

// Validate rejects counts below Unlimited and negative spans.
func (p Policy) Validate() error {
	var errs []error
	for _, c := range p.counts() {
		if *c.count < Unlimited {
			errs = append(errs, fmt.Errorf("keep %s: %d is not a count (use -1 for unlimited)", c.name, *c.count))
		}
	}
	for _, w := range p.withins() {
		d := *w.span
		if d.Years < 0 || d.Months < 0 || d.Days < 0 || d.Hours < 0 {
			errs = append(errs, fmt.Errorf("keep %s: negative span %s", w.name, d))
		}
	}
	return errors.Join(errs...)
}

type countRule struct {
	name   string // "last", "hourly" ...
	count  *int
	period func(time.Time) int
	reason string
}

type withinRule struct {
	name   string
	span   *Duration
	period func(time.Time) int
}

func (p *Policy) counts() []countRule {
	return []countRule{
		{"last", &p.Last, nil, "last snapshot"},
		{"hourly", &p.Hourly, hourOf, "hourly snapshot"},
		{"daily", &p.Daily, dayOf, "daily snapshot"},
		{"weekly", &p.Weekly, weekOf, "weekly snapshot"},
		{"monthly", &p.Monthly, monthOf, "monthly snapshot"},
		{"yearly", &p.Yearly, yearOf, "yearly snapshot"},
	}
}

func (p *Policy) withins() []withinRule {
	return []withinRule{
		{"within", &p.Within, nil},
		{"hourly within", &p.WithinHourly, hourOf},
		{"daily within", &p.WithinDaily, dayOf},
		{"weekly within", &p.WithinWeekly, weekOf},
		{"monthly within", &p.WithinMonthly, monthOf},
		{"yearly within", &p.WithinYearly, yearOf},
	}
}

// The periods a snapshot falls in, read in its own time zone, as numbers
// (2016-01-04 15:xx is hour 2016010415, day 20160104, ISO week 201601).
func hourOf(t time.Time) int  { return dayOf(t)*100 + t.Hour() }
func dayOf(t time.Time) int   { return monthOf(t)*100 + t.Day() }
func monthOf(t time.Time) int { return t.Year()*100 + int(t.Month()) }
func yearOf(t time.Time) int  { return t.Year() }
func weekOf(t time.Time) int {
	y, w := t.ISOWeek()
	return y*100 + w
}

// String describes p for plans and messages: "keep 7 daily, 4 weekly, 12
// monthly snapshots".
func (p Policy) String() string {
	if p.IsZero() {
		return "keep all snapshots (no keep rule)"
	}
	var counted []string
	for _, c := range p.counts() {
		name := c.name
		if name == "last" {
			name = "latest"
		}
		switch n := *c.count; {
		case n > 0:
			counted = append(counted, fmt.Sprintf("%d %s", n, name))
		case n == Unlimited:
			counted = append(counted, "all "+name)
		}
	}
	var parts []string
	if len(counted) > 0 {
		parts = append(parts, strings.Join(counted, ", ")+" snapshots")
	}
	for _, w := range p.withins()[1:] {
		if !w.span.IsZero() {
			parts = append(parts, fmt.Sprintf("%s snapshots within %s", strings.TrimSuffix(w.name, " within"), *w.span))
		}
	}
	var extra []string
	if !p.Within.IsZero() {
		extra = append(extra, fmt.Sprintf("all snapshots within %s of the newest", p.Within))
	}
	for _, tags := range p.Tags {
		extra = append(extra, "all snapshots "+describeTags(tags))
	}
	s := strings.Join(parts, ", ")
	if len(extra) > 0 {
		if s != "" {
			s += " and "
		}
		s += strings.Join(extra, " and ")
	}
	if p.KeepOldest && len(parts) > 0 {
		s += ", and the oldest snapshot while a rule has counts left"
	}
	return "keep " + s
}

func describeTags(tags []string) string {
	if isUntagged(tags) {
		return "without tags"
	}
	return "with tags [" + strings.Join(tags, ", ") + "]"
}

func isUntagged(tags []string) bool {
	for _, t := range tags {
		if t != "" {
			return false
		}
	}
	return true
}

// GroupBy says which snapshot fields split snapshots into groups; the
// policy applies to each group separately. Zero puts every snapshot in one
// group.
type GroupBy uint8

// The fields snapshots can be grouped by.
const (
	GroupByHost GroupBy = 1 << iota
	GroupByPaths
	GroupByTags
	GroupByPolicy
)

// DefaultGroupBy groups by host and paths, as restic does.
const DefaultGroupBy = GroupByHost | GroupByPaths

// Group names a group of snapshots: the fields it was grouped by are set.
type Group struct {
	Host   string
	Paths  []string
	Tags   []string
	Policy string
}

// String describes the group: `host "db1", paths [/srv /etc]`.
func (g Group) String() string {
	var parts []string
	if g.Host != "" {
		parts = append(parts, fmt.Sprintf("host %q", g.Host))
	}
	if g.Policy != "" {
		parts = append(parts, fmt.Sprintf("policy %q", g.Policy))
	}
	if g.Paths != nil {
		parts = append(parts, fmt.Sprintf("paths %v", g.Paths))
	}
	if g.Tags != nil {
		parts = append(parts, fmt.Sprintf("tags %v", g.Tags))
	}
	if len(parts) == 0 {
		return "all snapshots"
	}
	return strings.Join(parts, ", ")
}

func groupOf(s Snapshot, by GroupBy) Group {
	var g Group
	if by&GroupByHost != 0 {
		g.Host = s.Host
	}
	if by&GroupByPolicy != 0 {
		g.Policy = s.Policy
	}
	if by&GroupByPaths != 0 {
		g.Paths = sortedCopy(s.Paths)
	}
	if by&GroupByTags != 0 {
		g.Tags = sortedCopy(s.Tags)
	}
	return g
}

func sortedCopy(s []string) []string {
	out := append([]string{}, s...)
	slices.Sort(out)
	return out
}

// key identifies a group; "\x00" never occurs in hosts, paths or tags.
func (g Group) key() string {
	return strings.Join([]string{g.Host, g.Policy, strings.Join(g.Paths, "\x00"), strings.Join(g.Tags, "\x00")}, "\x01")
}

// Decision is what happened to one snapshot.
type Decision struct {
	Snapshot Snapshot
	Group    Group
	// Reasons say which rules keep the snapshot, in restic's order (tags,
	// within, last ... yearly, hourly within ... yearly within); nil for a
	// removed snapshot.
	Reasons []string
}

// Options are the parameters of ApplyWith besides the policy.
type Options struct {
	GroupBy GroupBy
	// Now excludes snapshots dated after it from being the reference of
	// the Within rules (a clock set wrong must not make everything old).
	// Zero means time.Now().
	Now time.Time
}

// Apply decides which snapshots p keeps, grouping them by host and paths.
// Both lists are ordered by group, then newest first.
func Apply(snaps []Snapshot, p Policy) (keep, remove []Decision) {
	return ApplyWith(snaps, p, Options{GroupBy: DefaultGroupBy})
}

// ApplyWith is Apply with explicit grouping and clock.
func ApplyWith(snaps []Snapshot, p Policy, opts Options) (keep, remove []Decision) {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	// Groups hold indexes into snaps: snapshots are large to copy around.
	groups := map[string][]int{}
	names := map[string]Group{}
	var order []string
	for i, s := range snaps {
		g := groupOf(s, opts.GroupBy)
		k := g.key()
		if _, ok := groups[k]; !ok {
			order = append(order, k)
			names[k] = g
		}
		groups[k] = append(groups[k], i)
	}
	slices.Sort(order)
	// Most snapshots of a long history are removed.
	remove = make([]Decision, 0, len(snaps))
	for _, k := range order {
		keep, remove = applyGroup(snaps, groups[k], names[k], p, opts.Now, keep, remove)
	}
	return keep, remove
}

// applyGroup applies p to one group's snapshots, snaps[i] for i in idx, and
// appends the decisions to keep and remove.
func applyGroup(snaps []Snapshot, idx []int, g Group, p Policy, now time.Time, keep, remove []Decision) ([]Decision, []Decision) {
	slices.SortStableFunc(idx, func(a, b int) int {
		if c := snaps[b].Time.Compare(snaps[a].Time); c != 0 {
			return c
		}
		return cmp.Compare(snaps[a].ID, snaps[b].ID)
	})
	if p.IsZero() {
		for _, i := range idx {
			keep = append(keep, Decision{Snapshot: snaps[i], Group: g, Reasons: []string{"policy is empty"}})
		}
		return keep, remove
	}

	counts := p.counts()
	remaining := make([]int, len(counts))
	// No period is negative: years before 1 are not backup dates.
	lastPeriod := make([]int, len(counts))
	for i, c := range counts {
		remaining[i] = *c.count
		lastPeriod[i] = -1
	}
	withins := p.withins()
	withinLast := make([]int, len(withins))
	for i := range withinLast {
		withinLast[i] = -1
	}
	var newest time.Time
	for _, i := range idx {
		if t := snaps[i].Time; t.After(newest) && !t.After(now) {
			newest = t
		}
	}

	for nr, i := range idx {
		s := snaps[i]
		var reasons []string
		for _, tags := range p.Tags {
			if hasTags(s, tags) {
				reasons = append(reasons, "has tags "+tagsString(tags))
			}
		}
		// Within rules compare with the newest snapshot, never with now.
		if !p.Within.IsZero() && s.Time.After(p.Within.Before(newest)) {
			reasons = append(reasons, "within "+p.Within.String())
		}
		for j, c := range counts {
			if remaining[j] == 0 {
				continue
			}
			per := nr // "last": every snapshot is a period of its own
			if c.period != nil {
				per = c.period(s.Time)
			}
			reason := c.reason
			if per == lastPeriod[j] {
				if !p.KeepOldest || nr != len(idx)-1 {
					continue
				}
				reason = "oldest " + reason
			}
			lastPeriod[j] = per
			if remaining[j] > 0 {
				remaining[j]--
			}
			reasons = append(reasons, reason)
		}
		for j, w := range withins {
			if w.period == nil || w.span.IsZero() || !s.Time.After(w.span.Before(newest)) {
				continue
			}
			reason := w.name
			per := w.period(s.Time)
			if per == withinLast[j] {
				if !p.KeepOldest || nr != len(idx)-1 {
					continue
				}
				reason = "oldest " + reason
			}
			withinLast[j] = per
			reasons = append(reasons, reason+" "+w.span.String())
		}
		if len(reasons) > 0 {
			keep = append(keep, Decision{Snapshot: s, Group: g, Reasons: reasons})
		} else {
			remove = append(remove, Decision{Snapshot: s, Group: g})
		}
	}
	return keep, remove
}

func hasTags(s Snapshot, tags []string) bool {
	if isUntagged(tags) {
		return len(s.Tags) == 0
	}
	for _, want := range tags {
		if want != "" && !slices.Contains(s.Tags, want) {
			return false
		}
	}
	return true
}

func tagsString(tags []string) string { return "[" + strings.Join(tags, ", ") + "]" }
