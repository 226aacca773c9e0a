package backup

import (
	"strings"
	"testing"
)

func TestKeepChanges(t *testing.T) {
	for _, tc := range []struct {
		before, after Keep
		want          string
	}{
		{Keep{Daily: 14}, Keep{Daily: 7, Monthly: 12}, "7 daily snapshots instead of 14 and 12 monthly (new)"},
		{Keep{Daily: 7, Weekly: 4}, Keep{Daily: 7}, "no weekly snapshots (was 4)"},
		{Keep{Last: 3, Within: "30d"}, Keep{Last: 5, Within: "60d"}, "5 last snapshots instead of 3 and all snapshots within 60d instead of 30d"},
		{Keep{Within: "30d"}, Keep{}, "no snapshots by age (was all within 30d)"},
		{Keep{Daily: 7}, Keep{Daily: 7}, ""},
	} {
		if got := joinAnd(keepChanges(tc.before, tc.after)); got != tc.want {
			t.Errorf("%+v -> %+v: got %q, want %q", tc.before, tc.after, got, tc.want)
		}
	}
}

func TestPolicyDocumentVersions(t *testing.T) {
	b, err := EncodePolicy(Policy{Name: "finance", Sources: []string{"/srv/finance"}, Keep: Keep{Daily: 7}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"version":1`) {
		t.Errorf("no version in %s", b)
	}
	p, err := DecodePolicy(b)
	if err != nil || p.Name != "finance" || p.Keep.Daily != 7 {
		t.Fatalf("round trip: %+v, %v", p, err)
	}
	if _, err := DecodePolicy([]byte(`{"version":2,"name":"x"}`)); err == nil || !strings.Contains(err.Error(), "newer steward") {
		t.Errorf("a newer version was read: %v", err)
	}
	if _, err := DecodePolicy([]byte(`not json`)); err == nil {
		t.Error("garbage was read as a policy")
	}
}

func TestValidators(t *testing.T) {
	for _, s := range []string{"0 2 * * *", "@daily", "30 2 * * 1-5"} {
		if err := ValidateSchedule(s); err != nil {
			t.Errorf("%q: %v", s, err)
		}
	}
	for _, s := range []string{"every night", "61 * * * *", "* * * *"} {
		if err := ValidateSchedule(s); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
	for _, s := range []string{"30d", "2y5m", "12h"} {
		if _, err := ParseWithin(s); err != nil {
			t.Errorf("%q: %v", s, err)
		}
	}
	for _, s := range []string{"30 days", "1w", "d", ""} {
		if _, err := ParseWithin(s); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
}
