package ui

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/ from the current output")

// golden compares got with testdata/name, or rewrites the file under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run `go test ./internal/ui/ -update` to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run with -update and review the diff.\n--- got ---\n%s", path, got)
	}
}

func assertNoSecrets(t *testing.T, what string, out []byte) {
	t.Helper()
	for _, s := range secrets {
		if bytes.Contains(out, []byte(s)) {
			t.Errorf("%s leaks secret %q", what, s)
		}
	}
}

func TestPlanTextGolden(t *testing.T) {
	for _, fx := range fixtures() {
		t.Run(fx.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := RenderPlanText(&buf, fx.plan, PlanTextOptions{Width: 80}); err != nil {
				t.Fatal(err)
			}
			assertNoSecrets(t, "text plan", buf.Bytes())
			if bytes.Contains(buf.Bytes(), []byte("\x1b[")) {
				t.Error("colour codes in a plan rendered without colour")
			}
			golden(t, fx.name+".txt", buf.Bytes())
		})
	}
}

func TestPlanTextColor(t *testing.T) {
	for _, fx := range fixtures() {
		var buf bytes.Buffer
		if err := RenderPlanText(&buf, fx.plan, PlanTextOptions{Color: true}); err != nil {
			t.Fatal(err)
		}
		assertNoSecrets(t, "coloured text plan "+fx.name, buf.Bytes())
		if fx.name == "update" {
			golden(t, "update.color.txt", buf.Bytes())
			for _, code := range []string{ansiGreen + "+" + ansiReset, ansiYellow + "~" + ansiReset, ansiRed + "-" + ansiReset} {
				if !strings.Contains(buf.String(), code) {
					t.Errorf("coloured plan lacks %q", code)
				}
			}
		}
	}
}

func compilePlanSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("plan.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("plan.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("plan.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func TestPlanJSONGolden(t *testing.T) {
	sch := compilePlanSchema(t)
	for _, fx := range fixtures() {
		t.Run(fx.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := RenderPlanJSON(&buf, fx.plan); err != nil {
				t.Fatal(err)
			}
			out := buf.Bytes()
			assertNoSecrets(t, "JSON plan", out)
			if n := bytes.Count(out, []byte("\n")); n != 1 || out[len(out)-1] != '\n' {
				t.Errorf("JSON plan should be one line, has %d newlines", n)
			}

			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			if err := sch.Validate(inst); err != nil {
				t.Errorf("plan JSON does not match plan.schema.json: %v", err)
			}

			var pretty bytes.Buffer
			if err := json.Indent(&pretty, out, "", "  "); err != nil {
				t.Fatal(err)
			}
			golden(t, fx.name+".json", pretty.Bytes())
		})
	}
}

// TestPlanJSONShape checks the details a consumer relies on beyond what the
// schema can say.
func TestPlanJSONShape(t *testing.T) {
	byName := map[string][]byte{}
	for _, fx := range fixtures() {
		var buf bytes.Buffer
		if err := RenderPlanJSON(&buf, fx.plan); err != nil {
			t.Fatal(err)
		}
		byName[fx.name] = buf.Bytes()
	}
	type change struct {
		Address string `json:"address"`
		Index   any    `json:"index"`
		Change  struct {
			Actions         []string `json:"actions"`
			Before          any      `json:"before"`
			After           any      `json:"after"`
			AfterUnknown    any      `json:"after_unknown"`
			BeforeSensitive any      `json:"before_sensitive"`
			AfterSensitive  any      `json:"after_sensitive"`
			ReplacePaths    [][]any  `json:"replace_paths"`
		} `json:"change"`
		ActionReason string `json:"action_reason"`
	}
	type doc struct {
		FormatVersion   string   `json:"format_version"`
		ResourceChanges []change `json:"resource_changes"`
		ResourceDrift   []change `json:"resource_drift"`
		OutputChanges   map[string]struct {
			After          any `json:"after"`
			AfterSensitive any `json:"after_sensitive"`
		} `json:"output_changes"`
		Summary map[string]int `json:"summary"`
	}
	parse := func(name string) doc {
		var d doc
		if err := json.Unmarshal(byName[name], &d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	find := func(cs []change, addr string) change {
		for _, c := range cs {
			if c.Address == addr {
				return c
			}
		}
		t.Fatalf("no change for %s", addr)
		return change{}
	}

	d := parse("replace")
	if d.FormatVersion != "1.0" {
		t.Errorf("format_version = %q", d.FormatVersion)
	}
	repo := find(d.ResourceChanges, "backup_repository.main")
	if got := strings.Join(repo.Change.Actions, ","); got != "delete,create" {
		t.Errorf("replace actions = %s", got)
	}
	if len(repo.Change.ReplacePaths) != 1 || repo.Change.ReplacePaths[0][0] != "path" {
		t.Errorf("replace_paths = %v", repo.Change.ReplacePaths)
	}
	after := repo.Change.After.(map[string]any)
	if after["password"] != nil || after["id"] != nil {
		t.Errorf("sensitive or unknown values not null in after: %v", after)
	}
	if m := repo.Change.AfterSensitive.(map[string]any); m["password"] != true {
		t.Errorf("after_sensitive = %v", m)
	}
	if m := repo.Change.AfterUnknown.(map[string]any); m["id"] != true || len(m) != 1 {
		t.Errorf("after_unknown = %v", m)
	}
	trig := find(d.ResourceChanges, "steward_data.trigger[0]")
	if got := strings.Join(trig.Change.Actions, ","); got != "create,delete" {
		t.Errorf("create-before-destroy actions = %s", got)
	}
	if trig.Index != float64(0) {
		t.Errorf("index = %v", trig.Index)
	}

	d = parse("sensitive")
	carol := find(d.ResourceChanges, "directory_user.carol")
	bs := carol.Change.BeforeSensitive.(map[string]any)
	if cred := bs["credential"].(map[string]any); cred["token"] != true {
		t.Errorf("nested sensitive flag missing: %v", bs)
	}
	if keys := bs["ssh_keys"].([]any); len(keys) != 2 || keys[0] != false || keys[1] != true {
		t.Errorf("list element sensitivity = %v", keys)
	}
	if bs["extra"] != true {
		t.Errorf("whole-map sensitivity = %v", bs["extra"])
	}
	if o := d.OutputChanges["admin_password"]; o.After != nil || o.AfterSensitive != true {
		t.Errorf("sensitive output = %+v", o)
	}

	d = parse("drift")
	if got := find(d.ResourceDrift, `network_vlan.dept["sales"]`).Change.Actions; got[0] != "delete" {
		t.Errorf("deleted drift actions = %v", got)
	}
	if d.Summary["drift"] != 3 {
		t.Errorf("summary = %v", d.Summary)
	}

	d = parse("create")
	v := find(d.ResourceChanges, `network_vlan.dept["finance"]`)
	settings := v.Change.After.(map[string]any)["settings"].(map[string]any)
	// Numbers are exact and never in exponent form.
	if !bytes.Contains(byName["create"], []byte(`"big":100000000000000000000000`)) || settings["ratio"] != 0.25 {
		t.Errorf("numbers: %s", byName["create"])
	}
}

func TestPlanTextDetails(t *testing.T) {
	render := func(name string) string {
		for _, fx := range fixtures() {
			if fx.name == name {
				var buf bytes.Buffer
				if err := RenderPlanText(&buf, fx.plan, PlanTextOptions{}); err != nil {
					t.Fatal(err)
				}
				return buf.String()
			}
		}
		t.Fatalf("no fixture %s", name)
		return ""
	}
	for name, wants := range map[string][]string{
		"create": {
			`  # network_vlan.dept["finance"] will be created`,
			`  + resource "network_vlan" "dept" {`,
			`      + vlan_id  = 20`,
			`      + id       = (known after apply)`,
			` <= data "steward_data" "lookup" {`,
			"Plan: 3 to add, 0 to change, 0 to destroy.\n",
		},
		"update": {
			`  # network_interface.uplink will be updated in-place`,
			`      ~ mtu         = 1500 -> 9000`,
			`# (1 unchanged attribute hidden)`,
			`# (2 unchanged elements hidden)`,
		},
		"replace": {
			`  # backup_repository.main must be replaced (because path changed)`,
			`-/+ resource "backup_repository" "main" {`,
			`      ~ path = "/srv/backup/main" -> "/srv/backup/main2" # forces replacement`,
			`  # steward_data.trigger[0] must be replaced (because triggers_replace changed)`,
			`+/- resource "steward_data" "trigger" {`,
			`~ daily = 7 -> 3 # forces replacement`,
			"Plan: 4 to add, 0 to change, 4 to destroy.\n",
		},
		"delete": {
			`  # network_vlan.dept["sales"] will be destroyed`,
			`  # (because network_vlan.dept["sales"] is not in configuration)`,
			`      - vlan_id = 30 -> null`,
		},
		"drift": {
			"Note: Objects have changed outside of steward",
			`  # network_vlan.dept["sales"] has been deleted`,
			`  # network_interface.uplink has changed`,
			"steward will perform the following actions:",
		},
		"nochanges":       {"No changes. Your infrastructure matches the configuration."},
		"drift_nochanges": {"No changes. Your infrastructure matches the configuration.", "steward apply -refresh-only"},
		"import_moved": {
			"Plan: 0 to add, 2 to change, 0 to destroy, 2 to import.\n",
			`  # network_vlan.voice will be imported`,
			`  # network_vlan.old_name has moved to network_vlan.new_name`,
		},
	} {
		got := render(name)
		for _, w := range wants {
			if !strings.Contains(got, w) {
				t.Errorf("%s: missing %q in\n%s", name, w, got)
			}
		}
		if !strings.HasSuffix(got, "\n") || strings.HasSuffix(got, "\n\n") {
			t.Errorf("%s: output should end with exactly one newline", name)
		}
	}
}
