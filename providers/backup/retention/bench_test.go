package retention_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stewardhq/steward/providers/backup/retention"
)

// BenchmarkApply decides on ten years of hourly snapshots from four hosts
// (350,640 snapshots) with a typical policy.
func BenchmarkApply(b *testing.B) {
	var snaps []retention.Snapshot
	start := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)
	for h := range 4 {
		for i := range 10 * 365 * 24 {
			snaps = append(snaps, retention.Snapshot{
				ID: fmt.Sprintf("%d-%d", h, i), Time: start.Add(time.Duration(i) * time.Hour),
				Host: fmt.Sprint("host", h), Paths: []string{"/srv", "/etc"},
			})
		}
	}
	p := retention.Policy{Last: 5, Hourly: 48, Daily: 14, Weekly: 8, Monthly: 24, Yearly: 10}
	b.ResetTimer()
	for b.Loop() {
		keep, _ := retention.ApplyWith(snaps, p, retention.Options{GroupBy: retention.DefaultGroupBy, Now: now})
		if len(keep) == 0 {
			b.Fatal("nothing kept")
		}
	}
}
