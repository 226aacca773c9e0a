package plugin_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/internal/testenv/gobuild"
	"github.com/stewardhq/steward/providers"
	"github.com/stewardhq/steward/providers/plugin"
)

const faultyPkg = "github.com/stewardhq/steward/providers/plugin/testdata/steward-provider-faulty"

// faultyBin is the faulty plugin, built once by TestMain.
var faultyBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "plugin-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	faultyBin, err = gobuild.Build(dir, faultyPkg)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	plugin.CleanupClients()
	os.RemoveAll(dir)
	os.Exit(code)
}

func record(name string) cty.Value {
	return cty.ObjectVal(map[string]cty.Value{"name": cty.StringVal(name), "value": cty.StringVal("v-" + name)})
}

var recordType = cty.Object(map[string]cty.Type{"name": cty.String, "value": cty.String})

// startFaulty starts the faulty plugin configured with extra provider
// settings and returns it with its records file.
func startFaulty(t *testing.T, bin string, opts plugin.Options, settings map[string]string) (providers.Provider, string) {
	t.Helper()
	p, err := plugin.NewClient("faulty", bin, opts)()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	file := filepath.Join(t.TempDir(), "records.json")
	cfg := map[string]cty.Value{"path": cty.StringVal(file), "crash_on": cty.NullVal(cty.String), "hang_on": cty.NullVal(cty.String)}
	for k, v := range settings {
		cfg[k] = cty.StringVal(v)
	}
	if diags := p.Configure(context.Background(), providers.ConfigureRequest{Config: cty.ObjectVal(cfg)}); diags.HasErrors() {
		t.Fatal(diags.Err())
	}
	return p, file
}

func createItems(names ...string) []providers.ApplyItem {
	items := make([]providers.ApplyItem, len(names))
	for i, n := range names {
		items[i] = providers.ApplyItem{Address: "faulty_record." + n, Type: "faulty_record", Action: providers.Create, Prior: cty.NullVal(recordType), Planned: record(n), Config: record(n)}
	}
	return items
}

func TestOutOfProcessRoundTrip(t *testing.T) {
	bin := faultyBin
	p, file := startFaulty(t, bin, plugin.Options{}, nil)
	ctx := context.Background()

	rs := p.Schema().Resources["faulty_record"]
	if rs == nil || !rs.Attributes["name"].ForceNew || !rs.Attributes["name"].Required {
		t.Fatalf("schema did not cross the wire: %+v", p.Schema())
	}

	unknown := cty.ObjectVal(map[string]cty.Value{"name": cty.StringVal("a"), "value": cty.UnknownVal(cty.String)})
	plan := p.PlanChanges(ctx, providers.PlanRequest{Items: []providers.PlanItem{{Address: "faulty_record.a", Type: "faulty_record", Prior: cty.NullVal(recordType), Config: unknown, Proposed: unknown}}})
	if plan.Diagnostics.HasErrors() || len(plan.Results) != 1 || !plan.Results[0].Planned.RawEquals(unknown) {
		t.Fatalf("plan: %+v", plan)
	}

	apply := p.ApplyChanges(ctx, providers.ApplyRequest{Items: createItems("a", "b")})
	if apply.Diagnostics.HasErrors() || len(apply.Results) != 2 || !apply.Results[1].New.RawEquals(record("b")) {
		t.Fatalf("apply: %+v", apply)
	}
	if b, _ := os.ReadFile(file); !strings.Contains(string(b), `"b": "v-b"`) {
		t.Fatalf("the plugin did not write the records: %s", b)
	}

	disc := p.Discover(ctx, providers.DiscoverRequest{Items: []providers.DiscoverItem{{Type: "faulty_record", Prior: record("a")}, {Type: "faulty_record", Prior: record("gone")}}})
	if disc.Diagnostics.HasErrors() || !disc.Results[0].Current.RawEquals(record("a")) || !disc.Results[1].Current.IsNull() {
		t.Fatalf("discover: %+v", disc)
	}
	imp := p.Import(ctx, providers.ImportRequest{Items: []providers.ImportItem{{Type: "faulty_record", ID: "b"}}})
	if len(imp.Results) != 1 || !imp.Results[0].State.RawEquals(record("b")) {
		t.Fatalf("import: %+v", imp)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestValidatorsRunInThePlugin(t *testing.T) {
	bin := faultyBin
	p, _ := startFaulty(t, bin, plugin.Options{}, nil)
	if p.Schema().Resources["faulty_record"].Attributes["name"].Validate != nil {
		t.Fatal("a validator cannot cross the wire")
	}
	bad := record("invalid")
	good := record("fine")
	resp := p.PlanChanges(context.Background(), providers.PlanRequest{Items: []providers.PlanItem{
		{Address: "faulty_record.x", Type: "faulty_record", Prior: cty.NullVal(recordType), Config: bad, Proposed: bad},
		{Address: "faulty_record.y", Type: "faulty_record", Prior: cty.NullVal(recordType), Config: good, Proposed: good},
	}})
	if len(resp.Results) != 2 {
		t.Fatalf("results: %+v", resp)
	}
	d := resp.Results[0].Diagnostics
	if !d.HasErrors() || d[0].Summary != "Invalid value" || !d[0].Attribute.Equals(cty.GetAttrPath("name")) || !strings.Contains(d[0].Detail, "refused by this provider") {
		t.Fatalf("validation diagnostics: %+v", d)
	}
	if resp.Results[1].Diagnostics.HasErrors() || !resp.Results[1].Planned.RawEquals(good) {
		t.Fatalf("the valid item was not planned: %+v", resp.Results[1])
	}
}

func TestCrashDuringApplyNamesTheProvider(t *testing.T) {
	bin := faultyBin
	p, file := startFaulty(t, bin, plugin.Options{}, map[string]string{"crash_on": "b"})
	resp := p.ApplyChanges(context.Background(), providers.ApplyRequest{Items: createItems("a", "b", "c")})
	if len(resp.Results) != 0 || !resp.Diagnostics.HasErrors() {
		t.Fatalf("a crashed apply must have no results and an error: %+v", resp)
	}
	msg := resp.Diagnostics.Err().Error()
	for _, want := range []string{`provider "faulty" (` + bin + `) exited unexpectedly during ApplyChanges`, "panic: faulty: crashing as asked while applying b"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error does not say %q:\n%s", want, msg)
		}
	}
	if b, _ := os.ReadFile(file); !strings.Contains(string(b), `"a"`) || strings.Contains(string(b), `"c"`) {
		t.Errorf("records after the crash: %s", b)
	}
	// Every later call fails at once with the same explanation.
	later := p.Discover(context.Background(), providers.DiscoverRequest{Items: []providers.DiscoverItem{{Type: "faulty_record", Prior: record("a")}}})
	if !later.Diagnostics.HasErrors() || !strings.Contains(later.Diagnostics.Err().Error(), "exited unexpectedly during ApplyChanges") {
		t.Errorf("a call after the crash: %+v", later)
	}
	if err := p.Close(); err != nil {
		t.Errorf("closing a crashed plugin: %v", err)
	}
}

func TestHangingPluginTimesOut(t *testing.T) {
	bin := faultyBin
	p, _ := startFaulty(t, bin, plugin.Options{CallTimeout: 2 * time.Second}, map[string]string{"hang_on": "h"})
	h := record("h")
	plan := func(ctx context.Context) providers.PlanResponse {
		return p.PlanChanges(ctx, providers.PlanRequest{Items: []providers.PlanItem{{Address: "faulty_record.h", Type: "faulty_record", Prior: cty.NullVal(recordType), Config: h, Proposed: h}}})
	}
	resp := plan(context.Background())
	if !resp.Diagnostics.HasErrors() {
		t.Fatal("a hanging call succeeded")
	}
	msg := resp.Diagnostics.Err().Error()
	for _, want := range []string{`provider "faulty" (` + bin + `) did not answer PlanChanges within 2s`, "STEWARD_PLUGIN_TIMEOUT", "faulty: hanging as asked"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error does not say %q:\n%s", want, msg)
		}
	}
	// The hung plugin was stopped, so the next call does not wait again.
	again := plan(context.Background())
	if !again.Diagnostics.HasErrors() || !strings.Contains(again.Diagnostics.Err().Error(), "did not answer PlanChanges") {
		t.Errorf("call after the timeout: %+v", again)
	}
}

func TestInterruptStopsAWaitingCall(t *testing.T) {
	bin := faultyBin
	p, _ := startFaulty(t, bin, plugin.Options{}, map[string]string{"hang_on": "h"})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		time.Sleep(300 * time.Millisecond)
		cancel()
	}()
	h := record("h")
	resp := p.PlanChanges(ctx, providers.PlanRequest{Items: []providers.PlanItem{{Address: "faulty_record.h", Type: "faulty_record", Prior: cty.NullVal(recordType), Config: h, Proposed: h}}})
	if !resp.Diagnostics.HasErrors() || !strings.Contains(resp.Diagnostics.Err().Error(), `provider "faulty" (`+bin+`): PlanChanges was interrupted`) {
		t.Fatalf("interrupted call: %+v", resp.Diagnostics)
	}
}

func writeScript(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "steward-provider-bogus")
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestHandshakeFailures(t *testing.T) {
	cases := map[string]struct {
		path string
		want []string
	}{
		"not a plugin": {
			path: writeScript(t, "echo 'hello, I am a shell script'"),
			want: []string{"Unrecognized remote plugin message", "is it a steward provider plugin built for plugin protocol 1?"},
		},
		"another protocol version": {
			path: writeScript(t, "echo '1|5|tcp|127.0.0.1:1|grpc'; sleep 5"),
			want: []string{"incompatible API version", "Plugin version: 5", "is it a steward provider plugin"},
		},
		"exits at once": {
			path: writeScript(t, "echo 'cannot start: no licence' >&2; exit 3"),
			want: []string{"cannot start: no licence"},
		},
		"missing binary": {
			path: filepath.Join(t.TempDir(), "nothing-here"),
			want: []string{"no such file"},
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := plugin.NewClient("bogus", c.path, plugin.Options{StartTimeout: 10 * time.Second})()
			if err == nil {
				t.Fatal("started")
			}
			want := append([]string{`starting provider "bogus" (` + c.path + `)`}, c.want...)
			for _, w := range want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not say %q:\n%s", w, err)
				}
			}
		})
	}
}

func TestChecksumIsEnforcedAtStart(t *testing.T) {
	bin := faultyBin
	_, err := plugin.NewClient("faulty", bin, plugin.Options{SHA256: make([]byte, 32)})()
	if err == nil || !strings.Contains(err.Error(), "checksum") {
		t.Fatalf("a binary with another checksum started: %v", err)
	}
}

// syncBuffer is a log sink safe for go-plugin's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// The engine makes one provider to read the schema and closes it unused,
// then one per configuration: the unused one's process serves the next.
func TestUnusedProcessServesTheNextProvider(t *testing.T) {
	var log syncBuffer
	factory := plugin.NewClient("faulty", faultyBin, plugin.Options{Logger: hclog.New(&hclog.LoggerOptions{Output: &log, Level: hclog.Debug})})
	starts := func() int { return strings.Count(log.String(), "starting plugin") }

	schemaOnly, err := factory()
	if err != nil {
		t.Fatal(err)
	}
	if schemaOnly.Schema().Resources["faulty_record"] == nil {
		t.Fatal("no schema")
	}
	schemaOnly.Close()
	configured, err := factory()
	if err != nil {
		t.Fatal(err)
	}
	cfg := cty.ObjectVal(map[string]cty.Value{"path": cty.StringVal(filepath.Join(t.TempDir(), "r.json")), "crash_on": cty.NullVal(cty.String), "hang_on": cty.NullVal(cty.String)})
	if diags := configured.Configure(context.Background(), providers.ConfigureRequest{Config: cfg}); diags.HasErrors() {
		t.Fatal(diags.Err())
	}
	if n := starts(); n != 1 {
		t.Errorf("%d processes started for a schema read and a configured provider, want 1", n)
	}
	// A used provider's process is not handed on: the next one starts its own.
	configured.Close()
	next, err := factory()
	if err != nil {
		t.Fatal(err)
	}
	defer next.Close()
	if diags := next.Configure(context.Background(), providers.ConfigureRequest{Config: cfg}); diags.HasErrors() {
		t.Fatal(diags.Err())
	}
	if n := starts(); n != 2 {
		t.Errorf("%d processes started, want 2", n)
	}
}

func TestRunByHandExplains(t *testing.T) {
	out, err := exec.Command(faultyBin).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("run by hand: %v", err)
	}
	if !strings.Contains(string(out), "steward-provider-faulty is a steward provider plugin") || !strings.Contains(string(out), "required_providers") {
		t.Errorf("run by hand says:\n%s", out)
	}
}
