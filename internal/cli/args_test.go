package cli

import (
	"reflect"
	"testing"
)

func TestNormalizeArgs(t *testing.T) {
	valueFlag := func(name string) bool {
		switch name {
		case "var", "var-file", "out", "target", "lock-timeout":
			return true
		}
		return false
	}
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{"double dash kept", []string{"apply", "--auto-approve"}, []string{"apply", "--auto-approve"}},
		{"single dash long flag", []string{"apply", "-auto-approve"}, []string{"apply", "--auto-approve"}},
		{"single dash with value", []string{"plan", "-var=x=1"}, []string{"plan", "--var=x=1"}},
		{"single dash separate value", []string{"plan", "-var", "x=1"}, []string{"plan", "--var", "x=1"}},
		{"double dash separate value", []string{"plan", "--var", "x=1"}, []string{"plan", "--var", "x=1"}},
		{"value starting with dash untouched", []string{"plan", "-out", "-weird"}, []string{"plan", "--out", "-weird"}},
		{"value after double dash flag untouched", []string{"plan", "--var-file", "-f.hcl"}, []string{"plan", "--var-file", "-f.hcl"}},
		{"bool flag does not take next word", []string{"plan", "-json", "-no-color"}, []string{"plan", "--json", "--no-color"}},
		{"short help kept", []string{"plan", "-h"}, []string{"plan", "-h"}},
		{"long help", []string{"plan", "-help"}, []string{"plan", "--help"}},
		{"stdin dash kept", []string{"fmt", "-"}, []string{"fmt", "-"}},
		{"negative number kept", []string{"x", "-1"}, []string{"x", "-1"}},
		{"after terminator untouched", []string{"state", "rm", "--", "-auto-approve"}, []string{"state", "rm", "--", "-auto-approve"}},
		{"bool with value", []string{"plan", "-refresh=false"}, []string{"plan", "--refresh=false"}},
		{"repeated targets", []string{"plan", "-target=a.b", "-target", "c.d"}, []string{"plan", "--target=a.b", "--target", "c.d"}},
		{"duration", []string{"plan", "-lock-timeout=1s"}, []string{"plan", "--lock-timeout=1s"}},
		{"positional untouched", []string{"apply", "plan.bin"}, []string{"apply", "plan.bin"}},
		{"short flag with value kept", []string{"x", "-v=1"}, []string{"x", "-v=1"}},
		{"dangling value flag", []string{"plan", "-out"}, []string{"plan", "--out"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := normalizeArgs(tt.in, valueFlag)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("normalizeArgs(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestValueFlagsFromTree(t *testing.T) {
	f, _, _, _ := testFactory(t)
	vf := valueFlags(NewCmdRoot(f))
	for _, name := range []string{"var", "var-file", "out", "target", "lock-timeout", "parallelism"} {
		if !vf[name] {
			t.Errorf("flag %q should take a value", name)
		}
	}
	for _, name := range []string{"auto-approve", "json", "no-color", "detailed-exitcode", "refresh"} {
		if vf[name] {
			t.Errorf("flag %q should not take a value", name)
		}
	}
}

func TestSplitGlobal(t *testing.T) {
	tests := []struct {
		in      []string
		chdir   string
		noColor bool
		rest    []string
		wantErr bool
	}{
		{in: []string{"plan"}, rest: []string{"plan"}},
		{in: []string{"-chdir=dir", "plan"}, chdir: "dir", rest: []string{"plan"}},
		{in: []string{"--chdir", "dir", "-no-color", "plan", "-no-color"}, chdir: "dir", noColor: true, rest: []string{"plan", "-no-color"}},
		{in: []string{"--no-color", "apply", "-chdir=x"}, noColor: true, rest: []string{"apply", "-chdir=x"}},
		{in: []string{"-version"}, rest: []string{"-version"}},
		{in: []string{"-chdir"}, wantErr: true},
		{in: []string{"-chdir="}, wantErr: true},
	}
	for _, tt := range tests {
		g, rest, err := splitGlobal(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("splitGlobal(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if err != nil {
			continue
		}
		if g.chdir != tt.chdir || g.noColor != tt.noColor || !reflect.DeepEqual(rest, tt.rest) {
			t.Errorf("splitGlobal(%q) = %+v %q, want chdir=%q noColor=%v %q", tt.in, g, rest, tt.chdir, tt.noColor, tt.rest)
		}
	}
}
