package retention_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stewardhq/steward/providers/backup/retention"
)

// zone is the time zone of the table's snapshots: a fixed offset, so that
// periods read in it differ from UTC's near midnight.
var zone = time.FixedZone("CET", 3600)

// table holds 42 snapshots over 2014-2016, s01 oldest to s42 newest, with
// several per hour, day and week, ISO weeks across new year (2014-12-29 is
// in 2015-W01, 2016-01-03 in 2015-W53) and a leap day.
var table = []string{
	"2014-01-03 10:15", "2014-01-03 23:50", "2014-01-05 08:00", "2014-02-14 12:00",
	"2014-03-30 01:30", "2014-06-01 18:45", "2014-06-01 19:05", "2014-06-02 07:10",
	"2014-08-15 22:22", "2014-11-11 11:11", "2014-12-28 09:00", "2014-12-29 09:00",
	"2014-12-31 23:59", "2015-01-01 00:01", "2015-01-01 00:30", "2015-01-01 13:00",
	"2015-02-28 10:00", "2015-03-01 10:00", "2015-04-05 03:00", "2015-04-05 03:40",
	"2015-04-05 04:00", "2015-05-10 12:00", "2015-07-04 16:00", "2015-07-05 16:00",
	"2015-07-06 16:00", "2015-09-13 08:30", "2015-10-25 02:30", "2015-12-31 23:00",
	"2016-01-01 01:00", "2016-01-03 20:00", "2016-01-04 06:00", "2016-02-29 12:00",
	"2016-03-01 00:00", "2016-05-05 05:05", "2016-05-05 05:55", "2016-05-05 06:05",
	"2016-08-08 08:08", "2016-08-09 09:09", "2016-08-10 10:10", "2016-11-20 14:00",
	"2016-11-20 14:30", "2016-11-21 00:00",
}

func tableSnapshots(t *testing.T) []retention.Snapshot {
	t.Helper()
	var snaps []retention.Snapshot
	for i, s := range table {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, zone)
		if err != nil {
			t.Fatal(err)
		}
		snaps = append(snaps, retention.Snapshot{
			ID: fmt.Sprintf("s%02d", i+1), Time: tm, Host: "db1", Paths: []string{"/srv"},
		})
	}
	// Apply must not depend on the order it is given.
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(snaps), func(i, j int) { snaps[i], snaps[j] = snaps[j], snaps[i] })
	return snaps
}

var now = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

func apply(snaps []retention.Snapshot, p retention.Policy) (keep, remove []retention.Decision) {
	return retention.ApplyWith(snaps, p, retention.Options{GroupBy: retention.DefaultGroupBy, Now: now})
}

func ids(ds []retention.Decision) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Snapshot.ID)
	}
	sort.Strings(out)
	return out
}

func idList(s string) []string {
	out := strings.Fields(s)
	sort.Strings(out)
	return out
}

// Expectations worked out by hand from the documented rules, for the
// table above.
func TestTableByHand(t *testing.T) {
	for _, tt := range []struct {
		name string
		p    retention.Policy
		keep string
	}{
		{"last 3", retention.Policy{Last: 3}, "s40 s41 s42"},
		{"hourly 4", retention.Policy{Hourly: 4}, "s42 s41 s39 s38"},
		{"daily 3", retention.Policy{Daily: 3}, "s42 s41 s39"},
		{"weekly 4", retention.Policy{Weekly: 4}, "s42 s41 s39 s36"},
		{"monthly 3", retention.Policy{Monthly: 3}, "s42 s39 s36"},
		{"monthly 6", retention.Policy{Monthly: 6}, "s42 s39 s36 s33 s32 s31"},
		{"yearly 5 (only 3 years)", retention.Policy{Yearly: 5}, "s42 s28 s13"},
		{"yearly unlimited", retention.Policy{Yearly: retention.Unlimited}, "s42 s28 s13"},
		{"weekly unlimited (ISO weeks across new year)", retention.Policy{Weekly: retention.Unlimited},
			"s42 s41 s39 s36 s33 s31 s30 s27 s26 s25 s24 s22 s21 s18 s16 s11 s10 s09 s08 s07 s05 s04 s03"},
		{"within 1m of the newest, not of now", retention.Policy{Within: retention.Duration{Months: 1}}, "s40 s41 s42"},
		{"within 3m11d12h (after 2016-08-09 12:00)", retention.Policy{Within: retention.Duration{Months: 3, Days: 11, Hours: 12}}, "s39 s40 s41 s42"},
		{"last 2 and yearly 2 overlap in s42", retention.Policy{Last: 2, Yearly: 2}, "s42 s41 s28"},
		{"daily within 5m: newest of each day after 2016-06-21", retention.Policy{WithinDaily: retention.Duration{Months: 5}}, "s37 s38 s39 s41 s42"},
		{"yearly 5 keeping the oldest: only 3 years, so s01 too", retention.Policy{Yearly: 5, KeepOldest: true}, "s42 s28 s13 s01"},
		{"yearly 3 keeping the oldest: no count left for it", retention.Policy{Yearly: 3, KeepOldest: true}, "s42 s28 s13"},
		{"monthly within 1y (after 2015-11-21)", retention.Policy{WithinMonthly: retention.Duration{Years: 1}}, "s42 s39 s36 s33 s32 s31 s28"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			keep, remove := apply(tableSnapshots(t), tt.p)
			if got, want := ids(keep), idList(tt.keep); !slices.Equal(got, want) {
				t.Errorf("kept %v, want %v", got, want)
			}
			if len(keep)+len(remove) != len(table) {
				t.Errorf("%d kept + %d removed, want %d in all", len(keep), len(remove), len(table))
			}
			for _, d := range remove {
				if d.Reasons != nil {
					t.Errorf("removed %s has reasons %v", d.Snapshot.ID, d.Reasons)
				}
			}
		})
	}
}

func TestOldestReason(t *testing.T) {
	keep, _ := apply(tableSnapshots(t), retention.Policy{Yearly: 5, Weekly: 1, KeepOldest: true})
	for _, d := range keep {
		if d.Snapshot.ID == "s01" && !slices.Equal(d.Reasons, []string{"oldest yearly snapshot"}) {
			t.Errorf("s01 kept for %q, want the oldest yearly snapshot", d.Reasons)
		}
	}
	if got := (retention.Policy{Daily: 7, KeepOldest: true}).String(); got != "keep 7 daily snapshots, and the oldest snapshot while a rule has counts left" {
		t.Errorf("String() = %q", got)
	}
}

func TestReasons(t *testing.T) {
	snaps := tableSnapshots(t)
	snaps[0].Tags = []string{"important", "db"}
	tagged := snaps[0].ID
	keep, _ := apply(snaps, retention.Policy{
		Last: 1, Daily: 2, Weekly: 1, Yearly: 3,
		Within: retention.Duration{Days: 2},
		Tags:   [][]string{{"important"}},
	})
	reasons := map[string][]string{}
	for _, d := range keep {
		reasons[d.Snapshot.ID] = d.Reasons
	}
	want := map[string][]string{
		"s42": {"within 2d", "last snapshot", "daily snapshot", "weekly snapshot", "yearly snapshot"},
		"s41": {"within 2d", "daily snapshot"},
		"s40": {"within 2d"},
		"s28": {"yearly snapshot"},
		"s13": {"yearly snapshot"},
	}
	want[tagged] = append([]string{"has tags [important]"}, want[tagged]...)
	if len(reasons) != len(want) {
		t.Errorf("kept %v, want %v", reasons, want)
	}
	for id, w := range want {
		if !slices.Equal(reasons[id], w) {
			t.Errorf("%s kept for %q, want %q", id, reasons[id], w)
		}
	}
}

// restic's documentation: one backup every Sunday for 12 weeks; keep-daily
// 4 keeps the last four.
func TestResticDocSundays(t *testing.T) {
	var snaps []retention.Snapshot
	start := time.Date(2019, 9, 1, 11, 0, 0, 0, time.UTC)
	for i := range 12 {
		snaps = append(snaps, retention.Snapshot{ID: fmt.Sprintf("w%02d", i+1), Time: start.AddDate(0, 0, 7*i), Host: "mopped", Paths: []string{"/home/user/work"}})
	}
	keep, remove := apply(snaps, retention.Policy{Daily: 4})
	if got := ids(keep); !slices.Equal(got, idList("w09 w10 w11 w12")) {
		t.Errorf("kept %v, want the last four Sundays", got)
	}
	if len(remove) != 8 {
		t.Errorf("removed %d, want 8", len(remove))
	}
	// The same 12 snapshots with keep-weekly 4 and keep-monthly 3: the
	// four newest Sundays, the newest of November and October (Nov 17 and
	// Oct 27, already weeklies) and of September (Sep 29).
	keep, _ = apply(snaps, retention.Policy{Weekly: 4, Monthly: 3})
	if got := ids(keep); !slices.Equal(got, idList("w05 w09 w10 w11 w12")) {
		t.Errorf("weekly 4 + monthly 3 kept %v", got)
	}
}

// restic's documentation: a backup every day for 100 years with daily 7,
// weekly 5, monthly 12 and yearly 75. Here the newest is Wednesday
// 2025-12-31: the dailies are Dec 25-31; the weeklies add Dec 21, 14 and 7
// (Dec 31 and Dec 28 are dailies already); the monthlies add the last day of
// Jan-Nov 2025 (11); the yearlies add Dec 31 of 1951-2024 (74): 95 in all.
func TestResticDocHundredYears(t *testing.T) {
	var snaps []retention.Snapshot
	for d := time.Date(1926, 1, 1, 12, 0, 0, 0, time.UTC); d.Year() < 2026; d = d.AddDate(0, 0, 1) {
		snaps = append(snaps, retention.Snapshot{ID: d.Format("2006-01-02"), Time: d})
	}
	keep, _ := apply(snaps, retention.Policy{Daily: 7, Weekly: 5, Monthly: 12, Yearly: 75})
	want := map[string]bool{}
	for d := 25; d <= 31; d++ {
		want[fmt.Sprintf("2025-12-%02d", d)] = true
	}
	for _, d := range []string{"2025-12-21", "2025-12-14", "2025-12-07"} {
		want[d] = true
	}
	for m := time.January; m <= time.November; m++ {
		want[time.Date(2025, m+1, 0, 0, 0, 0, 0, time.UTC).Format("2006-01-02")] = true
	}
	for y := 1951; y <= 2024; y++ {
		want[fmt.Sprintf("%d-12-31", y)] = true
	}
	if len(want) != 95 {
		t.Fatalf("the hand count is %d, not 95", len(want))
	}
	got := map[string]bool{}
	for _, d := range keep {
		got[d.Snapshot.ID] = true
	}
	for id := range want {
		if !got[id] {
			t.Errorf("%s not kept", id)
		}
	}
	for id := range got {
		if !want[id] {
			t.Errorf("%s kept, not expected", id)
		}
	}
}

// Periods are read in each snapshot's own time zone: 23:00 UTC on June 1
// is June 2 for a machine two hours east.
func TestOwnTimeZone(t *testing.T) {
	east := time.FixedZone("EET", 2*3600)
	snaps := []retention.Snapshot{
		{ID: "utc", Time: time.Date(2020, 6, 1, 23, 30, 0, 0, time.UTC)},
		{ID: "east", Time: time.Date(2020, 6, 2, 1, 0, 0, 0, east)}, // 23:00 UTC
		{ID: "older", Time: time.Date(2020, 6, 1, 10, 0, 0, 0, time.UTC)},
	}
	keep, _ := retention.ApplyWith(snaps, retention.Policy{Daily: 2}, retention.Options{Now: now})
	if got := ids(keep); !slices.Equal(got, []string{"east", "utc"}) {
		t.Errorf("kept %v, want east and utc (June 2 there, June 1 here)", got)
	}
}

// Within is strict at its boundary and ignores snapshots from the future
// as the reference.
func TestWithinBoundaryAndFuture(t *testing.T) {
	newest := time.Date(2020, 1, 10, 0, 0, 0, 0, time.UTC)
	snaps := []retention.Snapshot{
		{ID: "newest", Time: newest},
		{ID: "exactly-7d", Time: newest.AddDate(0, 0, -7)},
		{ID: "7d-less-1s", Time: newest.AddDate(0, 0, -7).Add(time.Second)},
		{ID: "future", Time: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)},
	}
	keep, remove := retention.ApplyWith(snaps, retention.Policy{Within: retention.Duration{Days: 7}},
		retention.Options{Now: time.Date(2020, 2, 1, 0, 0, 0, 0, time.UTC)})
	if got := ids(keep); !slices.Equal(got, []string{"7d-less-1s", "future", "newest"}) {
		t.Errorf("kept %v", got)
	}
	if got := ids(remove); !slices.Equal(got, []string{"exactly-7d"}) {
		t.Errorf("removed %v", got)
	}
}

func TestGrouping(t *testing.T) {
	base := time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC)
	var snaps []retention.Snapshot
	for i, s := range []struct {
		host, path, policy string
		tags               []string
	}{
		{"a", "/srv", "web", nil}, {"a", "/srv", "web", nil}, {"a", "/etc", "etc", nil},
		{"b", "/srv", "web", []string{"x"}}, {"b", "/srv", "web", []string{"y"}}, {"b", "/srv", "web", []string{"x"}},
	} {
		snaps = append(snaps, retention.Snapshot{
			ID: fmt.Sprint(i), Time: base.Add(time.Duration(i) * time.Hour),
			Host: s.host, Paths: []string{s.path}, Policy: s.policy, Tags: s.tags,
		})
	}
	for _, tt := range []struct {
		by   retention.GroupBy
		keep []string
	}{
		{retention.DefaultGroupBy, []string{"1", "2", "5"}},
		{0, []string{"5"}},
		{retention.GroupByHost, []string{"2", "5"}},
		{retention.GroupByPolicy, []string{"2", "5"}},
		{retention.GroupByHost | retention.GroupByTags, []string{"2", "4", "5"}},
		{retention.GroupByHost | retention.GroupByPaths | retention.GroupByTags, []string{"1", "2", "4", "5"}},
	} {
		keep, _ := retention.ApplyWith(snaps, retention.Policy{Last: 1}, retention.Options{GroupBy: tt.by, Now: now})
		if got := ids(keep); !slices.Equal(got, tt.keep) {
			t.Errorf("group by %b: kept %v, want %v", tt.by, got, tt.keep)
		}
	}
	keep, _ := retention.Apply(snaps, retention.Policy{Last: 1})
	if keep[0].Group.String() != `host "a", paths [/etc]` {
		t.Errorf("group described as %q", keep[0].Group)
	}
}

func TestTags(t *testing.T) {
	base := time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC)
	snaps := []retention.Snapshot{
		{ID: "none", Time: base},
		{ID: "a", Time: base.Add(time.Hour), Tags: []string{"a"}},
		{ID: "ab", Time: base.Add(2 * time.Hour), Tags: []string{"b", "a"}},
		{ID: "c", Time: base.Add(3 * time.Hour), Tags: []string{"c"}},
	}
	for _, tt := range []struct {
		tags [][]string
		keep []string
	}{
		{[][]string{{"a"}}, []string{"a", "ab"}},
		{[][]string{{"a", "b"}}, []string{"ab"}},
		{[][]string{{"a", "b"}, {"c"}}, []string{"ab", "c"}},
		{[][]string{{""}}, []string{"none"}},
		{[][]string{{"zzz"}}, nil},
	} {
		keep, _ := retention.ApplyWith(snaps, retention.Policy{Tags: tt.tags}, retention.Options{Now: now})
		if got := ids(keep); !slices.Equal(got, tt.keep) {
			t.Errorf("tags %q: kept %v, want %v", tt.tags, got, tt.keep)
		}
	}
}

func TestEmptyPolicyKeepsEverything(t *testing.T) {
	keep, remove := apply(tableSnapshots(t), retention.Policy{})
	if len(keep) != len(table) || len(remove) != 0 {
		t.Errorf("empty policy: %d kept, %d removed", len(keep), len(remove))
	}
	if keep[0].Reasons[0] != "policy is empty" {
		t.Errorf("reason %q", keep[0].Reasons)
	}
	if keep, _ := apply(nil, retention.Policy{Last: 1}); len(keep) != 0 {
		t.Errorf("no snapshots: kept %d", len(keep))
	}
}

func TestPolicyString(t *testing.T) {
	for _, tt := range []struct {
		p    retention.Policy
		want string
	}{
		{retention.Policy{Daily: 7, Weekly: 4, Monthly: 12}, "keep 7 daily, 4 weekly, 12 monthly snapshots"},
		{retention.Policy{Last: 3, Yearly: retention.Unlimited}, "keep 3 latest, all yearly snapshots"},
		{retention.Policy{Within: retention.Duration{Days: 30}}, "keep all snapshots within 30d of the newest"},
		{retention.Policy{Hourly: 24, WithinDaily: retention.Duration{Days: 7}, Tags: [][]string{{"keep", "db"}, {""}}},
			"keep 24 hourly snapshots, daily snapshots within 7d and all snapshots with tags [keep, db] and all snapshots without tags"},
		{retention.Policy{}, "keep all snapshots (no keep rule)"},
	} {
		if got := tt.p.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

func TestValidate(t *testing.T) {
	if err := (retention.Policy{Daily: -1, Last: 3}).Validate(); err != nil {
		t.Errorf("valid policy: %v", err)
	}
	err := retention.Policy{Daily: -2, Within: retention.Duration{Days: -1}}.Validate()
	if err == nil || !strings.Contains(err.Error(), "keep daily: -2") || !strings.Contains(err.Error(), "keep within") {
		t.Errorf("Validate: %v", err)
	}
}

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]retention.Duration{
		"30d":      {Days: 30},
		"2y5m":     {Years: 2, Months: 5},
		"12h":      {Hours: 12},
		"1y5m7d2h": {Years: 1, Months: 5, Days: 7, Hours: 2},
		"2h1y":     {Years: 1, Hours: 2},
		"0d":       {},
	} {
		got, err := retention.ParseDuration(in)
		if err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "d", "7", "1w", "1d2d", "-1d", "1.5d", "1 d"} {
		if d, err := retention.ParseDuration(in); err == nil {
			t.Errorf("ParseDuration(%q) = %+v, want an error", in, d)
		}
	}
	if s := (retention.Duration{Years: 1, Days: 3}).String(); s != "1y3d" {
		t.Errorf("String = %q", s)
	}
}
