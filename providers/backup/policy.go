package backup

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/robfig/cron/v3"
	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/providers/backup/retention"
)

// PolicyVersion is the version of the policy document this code writes.
// Readers refuse documents of a later version rather than misread them.
const PolicyVersion = 1

// Policy is a backup policy as it is stored, encrypted, in its repository:
// everything `steward backup run` needs to back up and apply retention
// without the configuration that declared it. It is encoded as JSON; see
// EncodePolicy.
type Policy struct {
	// Version is PolicyVersion when written.
	Version int `json:"version"`
	// Name identifies the policy in its repository.
	Name          string   `json:"name"`
	Sources       []string `json:"sources"`
	Exclude       []string `json:"exclude,omitempty"`
	OneFileSystem bool     `json:"one_file_system,omitempty"`
	// Schedule is a standard five-field cron expression, or "".
	Schedule string   `json:"schedule,omitempty"`
	Tags     []string `json:"tags,omitempty"`
	// Prune makes `backup run` forget and prune by Keep after each run.
	Prune bool `json:"prune,omitempty"`
	Keep  Keep `json:"keep"`
}

// Keep says which snapshots a policy keeps; zero fields keep nothing by
// that rule. A snapshot is kept if any rule keeps it.
type Keep struct {
	Last    int `json:"last,omitempty"`
	Hourly  int `json:"hourly,omitempty"`
	Daily   int `json:"daily,omitempty"`
	Weekly  int `json:"weekly,omitempty"`
	Monthly int `json:"monthly,omitempty"`
	Yearly  int `json:"yearly,omitempty"`
	// Within keeps every snapshot younger than this span before the
	// newest one: "30d", "2y5m", "12h".
	Within string `json:"within,omitempty"`
}

// IsZero reports whether k has no rule at all.
func (k Keep) IsZero() bool { return k == Keep{} }

// EncodePolicy returns the stored form of p, with its version set.
func EncodePolicy(p Policy) ([]byte, error) {
	p.Version = PolicyVersion
	b, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("encoding policy %q: %w", p.Name, err)
	}
	return b, nil
}

// DecodePolicy reads a stored policy document.
func DecodePolicy(b []byte) (Policy, error) {
	var head struct {
		Version int `json:"version"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return Policy{}, fmt.Errorf("reading policy document: %w", err)
	}
	if head.Version < 1 || head.Version > PolicyVersion {
		return Policy{}, fmt.Errorf("policy document version %d is not supported: this steward reads versions 1 to %d (a newer steward wrote it)", head.Version, PolicyVersion)
	}
	var p Policy
	if err := json.Unmarshal(b, &p); err != nil {
		return Policy{}, fmt.Errorf("reading policy document: %w", err)
	}
	return p, nil
}

// ValidateSchedule checks a cron expression with the standard five-field
// parser (and descriptors such as @daily).
func ValidateSchedule(s string) error {
	if _, err := cron.ParseStandard(s); err != nil {
		return fmt.Errorf("%q is not a cron schedule such as \"0 2 * * *\" (minute hour day-of-month month day-of-week) or \"@daily\": %v", s, err)
	}
	return nil
}

// ParseWithin reads a keep-within span: numbers each followed by y (years),
// m (months), d (days) or h (hours), such as "30d" or "2y5m".
func ParseWithin(s string) (retention.Duration, error) {
	d, err := retention.ParseDuration(s)
	if err != nil {
		return retention.Duration{}, fmt.Errorf("%q is not a span such as 30d, 12h or 2y5m: %w", s, err)
	}
	return d, nil
}

// RetentionPolicy turns keep rules into the retention package's policy.
func (k Keep) RetentionPolicy() (retention.Policy, error) {
	p := retention.Policy{Last: k.Last, Hourly: k.Hourly, Daily: k.Daily, Weekly: k.Weekly, Monthly: k.Monthly, Yearly: k.Yearly}
	if k.Within != "" {
		d, err := ParseWithin(k.Within)
		if err != nil {
			return retention.Policy{}, err
		}
		p.Within = d
	}
	return p, nil
}

var policyNamePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

func validPolicyName(v cty.Value) error {
	if v.Type() != cty.String || policyNamePattern.MatchString(v.AsString()) {
		return nil
	}
	return fmt.Errorf("%q is not a policy name: use letters, digits, '.', '_' and '-', starting with a letter or digit", v.AsString())
}

func validSchedule(v cty.Value) error {
	if v.Type() != cty.String {
		return nil
	}
	return ValidateSchedule(v.AsString())
}

func validWithin(v cty.Value) error {
	if v.Type() != cty.String {
		return nil
	}
	_, err := ParseWithin(v.AsString())
	return err
}

func validSources(v cty.Value) error {
	if !v.Type().IsListType() || !v.IsWhollyKnown() {
		return nil
	}
	if v.LengthInt() == 0 {
		return fmt.Errorf("a policy needs at least one source")
	}
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		if e.IsNull() {
			return fmt.Errorf("a source is null")
		}
		if s := e.AsString(); !filepath.IsAbs(s) {
			return fmt.Errorf("%q is not an absolute path: backups run from wherever the scheduler starts them", s)
		}
	}
	return nil
}

// describeKeep names a policy's rules in words: "7 daily, 12 monthly".
func describeKeep(k Keep) string {
	var parts []string
	add := func(n int, what string) {
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, what))
		}
	}
	add(k.Last, "last")
	add(k.Hourly, "hourly")
	add(k.Daily, "daily")
	add(k.Weekly, "weekly")
	add(k.Monthly, "monthly")
	add(k.Yearly, "yearly")
	if k.Within != "" {
		parts = append(parts, "all within "+k.Within)
	}
	if len(parts) == 0 {
		return "every snapshot"
	}
	return strings.Join(parts, ", ")
}
