package retention_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stewardhq/steward/providers/backup/retention"
)

// requireResticEnv, when set, turns the skip of TestAgainstRestic (restic
// not installed) into a failure.
const requireResticEnv = "STEWARD_REQUIRE_RESTIC"

// resticHistory is the snapshots made with real restic: per host, times in
// Europe/Berlin (so with daylight saving time), and the tags of some.
var resticHistory = map[string][]string{
	"db1": {
		"2015-03-29 01:30:00", "2015-03-29 03:30:00", // the night summer time starts
		"2015-12-27 22:00:00", "2015-12-28 00:10:00", // Sunday to Monday
		"2015-12-31 23:59:00", "2016-01-01 00:01:00", // new year, same ISO week
		"2016-01-03 20:00:00", "2016-01-04 06:00:00",
		"2016-01-04 06:30:00", "2016-01-04 06:45:00", // one hour, twice
		"2016-02-29 12:00:00", "2016-03-01 00:00:00",
	},
	"web1": {
		"2014-06-01 18:45:00", "2015-06-01 19:05:00", "2016-06-02 07:10:00",
		"2016-06-20 10:00:00", "2016-07-01 10:00:00",
	},
}

var resticTagged = map[string]string{"db1 2015-12-28 00:10:00": "important", "web1 2015-06-01 19:05:00": "important,monthly"}

type resticSnapshot struct {
	ID       string    `json:"id"`
	Time     time.Time `json:"time"`
	Hostname string    `json:"hostname"`
	Paths    []string  `json:"paths"`
	Tags     []string  `json:"tags"`
}

type resticGroup struct {
	Host    string           `json:"host"`
	Keep    []resticSnapshot `json:"keep"`
	Remove  []resticSnapshot `json:"remove"`
	Reasons []struct {
		Snapshot resticSnapshot `json:"snapshot"`
		Matches  []string       `json:"matches"`
	} `json:"reasons"`
}

// TestAgainstRestic makes the snapshots above with restic itself, asks
// `restic forget --dry-run --json` what several policies keep, and checks
// that Apply keeps the same snapshots for the same reasons.
func TestAgainstRestic(t *testing.T) {
	bin, err := exec.LookPath("restic")
	if err != nil {
		if v := os.Getenv(requireResticEnv); v != "" {
			t.Fatalf("restic is not installed (%s=%s): apt-get install restic", requireResticEnv, v)
		}
		t.Skip("restic is not installed (apt-get install restic)")
	}
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if err := os.MkdirAll(data, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, "file"), []byte("content"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(),
		"RESTIC_REPOSITORY="+filepath.Join(dir, "repo"), "RESTIC_PASSWORD=retention-test",
		"RESTIC_CACHE_DIR="+filepath.Join(dir, "cache"), "TZ=Europe/Berlin")
	restic := func(args ...string) []byte {
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Errorf("restic %s: %v: %s", strings.Join(args, " "), err, stderr.String())
		}
		return out
	}
	restic("init", "--quiet")
	if t.Failed() {
		t.FailNow()
	}
	// Backups take a shared lock: make them a few at a time.
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for host, times := range resticHistory {
		for _, ts := range times {
			args := []string{"backup", "--quiet", "--host", host, "--time", ts}
			if tags, ok := resticTagged[host+" "+ts]; ok {
				args = append(args, "--tag", tags)
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				restic(append(args, data)...)
			}()
		}
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}

	cases := []struct {
		flags []string
		p     retention.Policy
	}{
		{[]string{"--keep-last", "3"}, retention.Policy{Last: 3}},
		{[]string{"--keep-hourly", "4", "--keep-daily", "3"}, retention.Policy{Hourly: 4, Daily: 3}},
		{[]string{"--keep-weekly", "3", "--keep-monthly", "3"}, retention.Policy{Weekly: 3, Monthly: 3}},
		{[]string{"--keep-yearly", "5", "--keep-monthly", "2"}, retention.Policy{Yearly: 5, Monthly: 2}},
		{[]string{"--keep-within", "1m15d"}, retention.Policy{Within: retention.Duration{Months: 1, Days: 15}}},
		// db1's 2016-02-29 12:00 and web1's 2016-06-20 10:00 are exactly
		// 12h and 11d before their newest: the boundary is exclusive.
		{[]string{"--keep-within", "12h"}, retention.Policy{Within: retention.Duration{Hours: 12}}},
		{[]string{"--keep-within", "11d"}, retention.Policy{Within: retention.Duration{Days: 11}}},
		{[]string{"--keep-within-daily", "20d", "--keep-within-weekly", "2m", "--keep-within-yearly", "3y"},
			retention.Policy{WithinDaily: retention.Duration{Days: 20}, WithinWeekly: retention.Duration{Months: 2}, WithinYearly: retention.Duration{Years: 3}}},
		{[]string{"--keep-tag", "important", "--keep-last", "1"}, retention.Policy{Tags: [][]string{{"important"}}, Last: 1}},
		{[]string{"--keep-tag", "important,monthly", "--keep-hourly", "2"}, retention.Policy{Tags: [][]string{{"important", "monthly"}}, Hourly: 2}},
		{[]string{"--keep-daily", "5", "--keep-within", "3d", "--keep-weekly", "2", "--keep-monthly", "4", "--keep-yearly", "2"},
			retention.Policy{Daily: 5, Within: retention.Duration{Days: 3}, Weekly: 2, Monthly: 4, Yearly: 2}},
	}
	// The dry runs take no lock: ask restic about every policy at once.
	outputs := make([][]byte, len(cases))
	for i, tt := range cases {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			outputs[i] = restic(append([]string{"forget", "--dry-run", "--no-lock", "--json"}, tt.flags...)...)
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	for i, tt := range cases {
		out := outputs[i]
		var groups []resticGroup
		if err := json.Unmarshal(out, &groups); err != nil {
			t.Fatalf("restic forget %v: output: %v", tt.flags, err)
		}
		var snaps []retention.Snapshot
		resticReasons := map[string][]string{}
		for _, g := range groups {
			for _, s := range append(slices.Clone(g.Keep), g.Remove...) {
				snaps = append(snaps, retention.Snapshot{ID: s.ID, Time: s.Time, Host: s.Hostname, Paths: s.Paths, Tags: s.Tags})
			}
			// Reasons come in the order of Keep.
			for i, r := range g.Reasons {
				resticReasons[g.Keep[i].ID] = r.Matches
			}
		}
		if len(snaps) != len(resticHistory["db1"])+len(resticHistory["web1"]) {
			t.Fatalf("restic forget %v listed %d snapshots", tt.flags, len(snaps))
		}
		keep, _ := retention.Apply(snaps, tt.p)
		ours := map[string][]string{}
		for _, d := range keep {
			ours[d.Snapshot.ID] = d.Reasons
		}
		when := map[string]string{}
		for _, s := range snaps {
			when[s.ID] = s.Host + " " + s.Time.Format("2006-01-02 15:04 -0700")
		}
		for id, r := range resticReasons {
			if !slices.Equal(ours[id], r) {
				t.Errorf("restic forget %v keeps %s for %q; Apply (%s): %q", tt.flags, when[id], r, tt.p, ours[id])
			}
		}
		for id, r := range ours {
			if _, ok := resticReasons[id]; !ok {
				t.Errorf("restic forget %v removes %s; Apply (%s) keeps it for %q", tt.flags, when[id], tt.p, r)
			}
		}
	}
}
