package plan

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/engine/addrs"
	"github.com/stewardhq/steward/schema"
)

// The secrets are distinctive so that finding them anywhere in the file,
// compressed or not, cannot be a coincidence.
const (
	secretPassword = "hunter2-correct-horse"
	secretToken    = "tok-9f8e7d6c5b4a"
	secretPrefix   = "prefix-of-a-secret-"
	secretOutput   = "output-secret-31337"
	secretSchema   = "schema-only-secret-xyz"
)

func mustAddr(t testing.TB, s string) addrs.AbsResourceInstance {
	t.Helper()
	a, err := addrs.ParseAbsResourceInstance(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func mustTarget(t testing.TB, s string) addrs.Target {
	t.Helper()
	tg, err := addrs.ParseTarget(s)
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

// secretAfter is an object with sensitive parts at several depths: an
// attribute of an object inside a list, a map element, a whole nested
// object, and an unknown whose refinement would reveal a secret prefix.
func secretAfter() cty.Value {
	return cty.ObjectVal(map[string]cty.Value{
		"name": cty.StringVal("db"),
		"users": cty.ListVal([]cty.Value{
			cty.ObjectVal(map[string]cty.Value{
				"login":    cty.StringVal("admin"),
				"password": cty.StringVal(secretPassword).Mark(schema.Sensitive),
			}),
			cty.ObjectVal(map[string]cty.Value{
				"login":    cty.StringVal("guest"),
				"password": cty.NullVal(cty.String),
			}),
		}),
		"env": cty.MapVal(map[string]cty.Value{
			"PLAIN": cty.StringVal("visible"),
			"TOKEN": cty.StringVal(secretToken).Mark(schema.Sensitive),
		}),
		"creds": cty.ObjectVal(map[string]cty.Value{
			"key":  cty.StringVal(secretToken + "-key"),
			"port": cty.NumberIntVal(5432),
		}).Mark(schema.Sensitive),
		"pending": cty.UnknownVal(cty.String).Refine().StringPrefix(secretPrefix).NewValue().Mark(schema.Sensitive),
		// A mark that is not ours must not stop the value being saved.
		"other": cty.StringVal("x").Mark("some-other-mark"),
	})
}

// unknownAfter has unknown values at depth, including refined ones, which
// are not secret and must survive with their refinements.
func unknownAfter() cty.Value {
	return cty.ObjectVal(map[string]cty.Value{
		"id": cty.UnknownVal(cty.String),
		"nested": cty.ObjectVal(map[string]cty.Value{
			"list": cty.ListVal([]cty.Value{
				cty.StringVal("a"),
				cty.UnknownVal(cty.String).RefineNotNull(),
			}),
			"deeper": cty.ObjectVal(map[string]cty.Value{
				"arn":   cty.UnknownVal(cty.String).Refine().StringPrefix("arn:aws:").NewValue(),
				"count": cty.UnknownVal(cty.Number).Refine().NumberRangeInclusive(cty.NumberIntVal(1), cty.NumberIntVal(9)).NewValue(),
			}),
			"whole_list": cty.UnknownVal(cty.List(cty.String)),
			"set":        cty.SetVal([]cty.Value{cty.StringVal("x"), cty.UnknownVal(cty.String)}),
		}),
	})
}

// dynamicAfter is what a resource with dynamic (`any`) attributes plans:
// each attribute carries a concrete type of its own, or none at all.
func dynamicAfter() cty.Value {
	return cty.ObjectVal(map[string]cty.Value{
		"doc": cty.ObjectVal(map[string]cty.Value{
			"tags":  cty.TupleVal([]cty.Value{cty.StringVal("a"), cty.NumberIntVal(2), cty.True}),
			"inner": cty.MapVal(map[string]cty.Value{"k": cty.ListValEmpty(cty.Number)}),
		}),
		"later":   cty.DynamicVal,
		"nothing": cty.NullVal(cty.DynamicPseudoType),
		"big":     cty.MustParseNumberVal("123456789012345678901234567890.5"),
	})
}

var schemaResource = &schema.Resource{Block: schema.Block{
	Attributes: map[string]*schema.Attribute{
		"id":     {Type: cty.String, Computed: true},
		"secret": {Type: cty.String, Optional: true, Sensitive: true},
	},
}}

func testPlan(t testing.TB) *Plan {
	prev := mustAddr(t, `steward_file.old["a b"]`)
	simple := func(s string) cty.Value {
		return cty.ObjectVal(map[string]cty.Value{"id": cty.StringVal(s)})
	}
	objTy := cty.Object(map[string]cty.Type{"id": cty.String})
	p := &Plan{
		Mode:         NormalMode,
		StateLineage: "4b0c2a5e-1d2c-4e55-9a77-0f7e6b6d1a2b",
		StateSerial:  1<<63 + 7, // beyond float64 precision
		ConfigDigest: "sha256:0123abcd",
		Created:      time.Date(2025, 3, 4, 5, 6, 7, 890123456, time.FixedZone("X", 3600)),
		Complete:     true,
		Targets: []addrs.Target{
			mustTarget(t, `module.net["eu"]`),
			mustTarget(t, `steward_file.a`),
			mustTarget(t, `module.m.data.steward_http.x[3]`),
		},
		Changes: []*ResourceChange{
			{
				Addr: mustAddr(t, `steward_db.main`), Provider: `provider["steward/db"]`, Action: Create,
				Before: cty.NullVal(secretAfter().Type()), After: secretAfter(),
				Dependencies: []addrs.AbsResource{
					mustAddr(t, `steward_net.vpc`).ContainingResource(),
					mustAddr(t, `module.m["k"].data.steward_http.x`).ContainingResource(),
				},
			},
			{
				Addr: mustAddr(t, `module.app[1].steward_vm.web["blue"]`), Provider: "provider[\"steward/vm\"]", Action: Update,
				Before: cty.ObjectVal(map[string]cty.Value{
					"id":     cty.StringVal("vm-1"),
					"nested": cty.NullVal(unknownAfter().GetAttr("nested").Type()),
				}),
				After: unknownAfter(),
			},
			{
				Addr: mustAddr(t, `steward_doc.d`), Action: DeleteThenCreate, Reason: "doc.tags forces replacement",
				RequiresReplace: []cty.Path{
					cty.GetAttrPath("doc").GetAttr("tags"),
					cty.GetAttrPath("doc").GetAttr("inner").Index(cty.StringVal("k")).Index(cty.NumberIntVal(0)),
					{},
				},
				Before: dynamicAfter(), After: dynamicAfter(),
			},
			{Addr: mustAddr(t, `steward_a.cbd`), Action: CreateThenDelete, CreateBeforeDestroy: true, Before: simple("1"), After: cty.UnknownVal(objTy)},
			{Addr: mustAddr(t, `steward_a.gone`), Action: Delete, Reason: "not in configuration", Before: simple("2"), After: cty.NullVal(objTy)},
			{Addr: mustAddr(t, `steward_a.moved`), PrevAddr: &prev, Action: NoOp, Before: simple("3"), After: simple("3")},
			{Addr: mustAddr(t, `data.steward_http.x`), Action: Read, Before: cty.NullVal(objTy), After: cty.UnknownVal(objTy)},
			{Addr: mustAddr(t, `steward_a.forgotten[0]`), Action: Forget, Before: simple("4")},
			{Addr: mustAddr(t, `steward_a.imported`), Action: NoOp, ImportID: "i-123", After: simple("i-123")},
			{
				// The planner lost the mark; the schema must still redact it.
				Addr: mustAddr(t, `steward_a.schema`), Action: Create, Schema: schemaResource,
				After: cty.ObjectVal(map[string]cty.Value{"id": cty.UnknownVal(cty.String), "secret": cty.StringVal(secretSchema)}),
			},
		},
		Drift: []*ResourceChange{
			{
				Addr: mustAddr(t, `steward_db.main`), Action: Update, Provider: `provider["steward/db"]`,
				Before: cty.ObjectVal(map[string]cty.Value{"pw": cty.StringVal(secretPassword).Mark(schema.Sensitive), "size": cty.NumberIntVal(1)}),
				After:  cty.ObjectVal(map[string]cty.Value{"pw": cty.StringVal(secretPassword + "!").Mark(schema.Sensitive), "size": cty.NumberIntVal(2)}),
			},
		},
		Outputs: []*OutputChange{
			{Name: "ip", Action: Create, Before: cty.NullVal(cty.String), After: cty.UnknownVal(cty.String)},
			{Name: "conn", Action: Update, Sensitive: true, Before: cty.StringVal(secretOutput), After: cty.StringVal(secretOutput + "2")},
			{Name: "same", Action: NoOp, Before: cty.ListVal([]cty.Value{cty.True}), After: cty.ListVal([]cty.Value{cty.True})},
		},
		Warnings: []Warning{
			{Summary: "Host key not verified", Detail: "The provider skips host key verification.", Subject: &hcl.Range{
				Filename: "main.sw",
				Start:    hcl.Pos{Line: 3, Column: 5, Byte: 40},
				End:      hcl.Pos{Line: 3, Column: 19, Byte: 54},
			}},
			{Summary: "No subject"},
		},
	}
	return p
}

func encode(t testing.TB, p *Plan) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, p); err != nil {
		t.Fatalf("Write: %v", err)
	}
	return buf.Bytes()
}

// fileViews returns every form in which a secret could appear in a file:
// the bytes themselves, the decompressed JSON, and each msgpack blob, which
// the JSON holds in base64.
func fileViews(t *testing.T, data []byte) [][]byte {
	t.Helper()
	views := [][]byte{data}
	header := fileMagic + "1\n"
	if !bytes.HasPrefix(data, []byte(header)) {
		t.Fatalf("file does not start with %q", header)
	}
	zr, err := gzip.NewReader(bytes.NewReader(data[len(header):]))
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	views = append(views, body)
	var doc any
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	var walk func(any)
	walk = func(x any) {
		switch x := x.(type) {
		case map[string]any:
			for k, v := range x {
				if s, ok := v.(string); ok && k == "msgpack" {
					b, err := base64.StdEncoding.DecodeString(s)
					if err != nil {
						t.Fatalf("msgpack is not base64: %v", err)
					}
					views = append(views, b)
					continue
				}
				walk(v)
			}
		case []any:
			for _, v := range x {
				walk(v)
			}
		}
	}
	walk(doc)
	return views
}

func TestRoundTrip(t *testing.T) {
	p := testPlan(t)
	data := encode(t, p)

	for _, view := range fileViews(t, data) {
		for _, secret := range []string{secretPassword, secretToken, secretPrefix, secretOutput, secretSchema} {
			if bytes.Contains(view, []byte(secret)) {
				t.Errorf("secret %q is in the plan file", secret)
			}
		}
	}

	got, err := ReadFrom(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("Read: %v", err)
	}

	if got.Mode != p.Mode || got.StateLineage != p.StateLineage || got.StateSerial != p.StateSerial ||
		got.ConfigDigest != p.ConfigDigest || got.Complete != p.Complete || !got.Created.Equal(p.Created) {
		t.Errorf("plan header: got %+v", got)
	}
	if len(got.Targets) != len(p.Targets) {
		t.Fatalf("targets: got %d, want %d", len(got.Targets), len(p.Targets))
	}
	for i := range p.Targets {
		if got.Targets[i].String() != p.Targets[i].String() {
			t.Errorf("target %d: got %s, want %s", i, got.Targets[i], p.Targets[i])
		}
	}
	if len(got.Warnings) != 2 || got.Warnings[0].Summary != p.Warnings[0].Summary ||
		got.Warnings[0].Detail != p.Warnings[0].Detail || got.Warnings[0].Subject == nil ||
		*got.Warnings[0].Subject != *p.Warnings[0].Subject || got.Warnings[1].Subject != nil {
		t.Errorf("warnings: got %#v", got.Warnings)
	}

	if len(got.Changes) != len(p.Changes) {
		t.Fatalf("changes: got %d, want %d", len(got.Changes), len(p.Changes))
	}
	seen := map[Action]bool{}
	for i, want := range p.Changes {
		seen[want.Action] = true
		c := got.Changes[i]
		if c.Addr != want.Addr || c.Provider != want.Provider || c.Action != want.Action || c.Reason != want.Reason ||
			c.ImportID != want.ImportID || c.CreateBeforeDestroy != want.CreateBeforeDestroy || c.Schema != nil {
			t.Errorf("change %s: got %+v", want.Addr, c)
		}
		if (c.PrevAddr == nil) != (want.PrevAddr == nil) || (c.PrevAddr != nil && *c.PrevAddr != *want.PrevAddr) {
			t.Errorf("change %s: PrevAddr %v, want %v", want.Addr, c.PrevAddr, want.PrevAddr)
		}
		if len(c.Dependencies) != len(want.Dependencies) {
			t.Errorf("change %s: dependencies %v, want %v", want.Addr, c.Dependencies, want.Dependencies)
		} else {
			for j := range want.Dependencies {
				if c.Dependencies[j] != want.Dependencies[j] {
					t.Errorf("change %s: dependency %d %v, want %v", want.Addr, j, c.Dependencies[j], want.Dependencies[j])
				}
			}
		}
		if len(c.RequiresReplace) != len(want.RequiresReplace) {
			t.Errorf("change %s: requires_replace %#v", want.Addr, c.RequiresReplace)
		} else {
			for j := range want.RequiresReplace {
				if !c.RequiresReplace[j].Equals(want.RequiresReplace[j]) {
					t.Errorf("change %s: requires_replace %d %#v, want %#v", want.Addr, j, c.RequiresReplace[j], want.RequiresReplace[j])
				}
			}
		}
	}
	for a := range validActions {
		if !seen[a] {
			t.Errorf("the test plan has no %s change", a)
		}
	}

	// Values without sensitive parts come back exactly, unknowns,
	// refinements and dynamic types included.
	for _, i := range []int{1, 2, 3, 4, 5, 6, 7, 8} {
		want, c := p.Changes[i], got.Changes[i]
		assertSame(t, want.Addr.String()+" before", c.Before, want.Before)
		assertSame(t, want.Addr.String()+" after", c.After, want.After)
	}
	// The refinement check above is only meaningful if refinements exist.
	arn := got.Changes[1].After.GetAttr("nested").GetAttr("deeper").GetAttr("arn")
	if rng := arn.Range(); rng.StringPrefix() != "arn:aws:" {
		t.Errorf("refinement lost: %#v", arn)
	}

	// Sensitive parts come back as marked nulls, and nothing else is marked.
	after := got.Changes[0].After
	assertSensitiveNull(t, after, cty.GetAttrPath("users").IndexInt(0).GetAttr("password"))
	assertSensitiveNull(t, after, cty.GetAttrPath("env").IndexString("TOKEN"))
	assertSensitiveNull(t, after, cty.GetAttrPath("creds"))
	pending, err := cty.GetAttrPath("pending").Apply(after)
	if err != nil {
		t.Fatal(err)
	}
	if pending.IsKnown() || !pending.HasMark(schema.Sensitive) {
		t.Errorf("sensitive unknown: got %#v, want unknown and marked", pending)
	}
	if raw, _ := pending.Unmark(); raw.Range().StringPrefix() != "" {
		t.Errorf("sensitive unknown kept its refinement %q", raw.Range().StringPrefix())
	}
	assertMarkedPaths(t, after, []cty.Path{
		cty.GetAttrPath("creds"),
		cty.GetAttrPath("env").IndexString("TOKEN"),
		cty.GetAttrPath("pending"),
		cty.GetAttrPath("users").IndexInt(0).GetAttr("password"),
	})
	plain, _ := after.UnmarkDeep()
	if plain.GetAttr("env").Index(cty.StringVal("PLAIN")).AsString() != "visible" ||
		plain.GetAttr("users").Index(cty.NumberIntVal(0)).GetAttr("login").AsString() != "admin" ||
		plain.GetAttr("other").AsString() != "x" {
		t.Errorf("non-sensitive parts changed: %#v", plain)
	}
	if !got.Changes[0].Before.IsNull() || !got.Changes[0].Before.Type().Equals(p.Changes[0].Before.Type()) {
		t.Errorf("null before: got %#v", got.Changes[0].Before)
	}
	if got.Changes[7].After != cty.NilVal {
		t.Errorf("absent after: got %#v, want NilVal", got.Changes[7].After)
	}
	assertSensitiveNull(t, got.Changes[9].After, cty.GetAttrPath("secret"))

	// Drift carries values like changes do.
	if len(got.Drift) != 1 || got.Drift[0].Addr != p.Drift[0].Addr || got.Drift[0].Action != Update {
		t.Fatalf("drift: got %+v", got.Drift)
	}
	assertSensitiveNull(t, got.Drift[0].Before, cty.GetAttrPath("pw"))
	assertSensitiveNull(t, got.Drift[0].After, cty.GetAttrPath("pw"))
	if v := got.Drift[0].After.GetAttr("size"); !v.RawEquals(cty.NumberIntVal(2)) {
		t.Errorf("drift size: %#v", v)
	}

	// Outputs: a sensitive output is redacted whole even unmarked.
	if len(got.Outputs) != 3 {
		t.Fatalf("outputs: got %d", len(got.Outputs))
	}
	for i, want := range p.Outputs {
		o := got.Outputs[i]
		if o.Name != want.Name || o.Action != want.Action || o.Sensitive != want.Sensitive {
			t.Errorf("output %s: got %+v", want.Name, o)
		}
	}
	assertSame(t, "output ip", got.Outputs[0].After, p.Outputs[0].After)
	assertSame(t, "output same", got.Outputs[2].Before, p.Outputs[2].Before)
	assertSensitiveNull(t, got.Outputs[1].Before, nil)
	assertSensitiveNull(t, got.Outputs[1].After, nil)

	// Writing what was read gives the same file: nothing is lost or added
	// in a second trip, which is what `show` then `apply` relies on.
	if again := encode(t, got); !bytes.Equal(again, data) {
		t.Errorf("re-encoding the read plan changed the file")
	}
}

func assertSame(t *testing.T, what string, got, want cty.Value) {
	t.Helper()
	if want == cty.NilVal {
		if got != cty.NilVal {
			t.Errorf("%s: got %#v, want NilVal", what, got)
		}
		return
	}
	if got == cty.NilVal || !got.RawEquals(want) {
		t.Errorf("%s:\n got %#v\nwant %#v", what, got, want)
	}
}

func assertSensitiveNull(t *testing.T, v cty.Value, p cty.Path) {
	t.Helper()
	at, err := p.Apply(v)
	if err != nil {
		t.Fatalf("%#v: %v", p, err)
	}
	if !at.IsNull() || !at.HasMark(schema.Sensitive) {
		t.Errorf("at %#v: got %#v, want a null marked sensitive", p, at)
	}
}

func assertMarkedPaths(t *testing.T, v cty.Value, want []cty.Path) {
	t.Helper()
	_, pvms := v.UnmarkDeepWithPaths()
	if len(pvms) != len(want) {
		t.Fatalf("marked paths: got %d %#v, want %d", len(pvms), pvms, len(want))
	}
	for _, w := range want {
		found := false
		for _, pvm := range pvms {
			if pvm.Path.Equals(w) {
				found = true
				if _, ok := pvm.Marks[schema.Sensitive]; !ok || len(pvm.Marks) != 1 {
					t.Errorf("at %#v: marks %#v", w, pvm.Marks)
				}
			}
		}
		if !found {
			t.Errorf("path %#v is not marked", w)
		}
	}
}

func TestWriteIsDeterministic(t *testing.T) {
	// Several sensitive paths in one value, since their order comes from
	// map iteration inside cty.
	first := encode(t, testPlan(t))
	for i := 0; i < 20; i++ {
		if !bytes.Equal(encode(t, testPlan(t)), first) {
			t.Fatal("the same plan gave different files")
		}
	}
}

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "tfplan")
	// An existing, more permissive file must end up 0600 too.
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := testPlan(t)
	if err := WriteFile(path, p); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	got, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Changes) != len(p.Changes) {
		t.Errorf("ReadFile: %d changes, want %d", len(got.Changes), len(p.Changes))
	}

	// A plan that cannot be written leaves the old file and no debris.
	bad := testPlan(t)
	bad.Changes[0].Action = "explode"
	if err := WriteFile(path, bad); err == nil {
		t.Fatal("WriteFile accepted an unknown action")
	}
	if _, err := ReadFile(path); err != nil {
		t.Errorf("old plan damaged by a failed write: %v", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %v, want only tfplan", names)
	}

	if _, err := ReadFile(filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

func TestWriteRejects(t *testing.T) {
	cases := map[string]func(p *Plan){
		"nil change":     func(p *Plan) { p.Changes = append(p.Changes, nil) },
		"unknown action": func(p *Plan) { p.Changes[0].Action = "smash" },
		"unknown mode":   func(p *Plan) { p.Mode = "" },
		"output action":  func(p *Plan) { p.Outputs[0].Action = "" },
		"zero address":   func(p *Plan) { p.Changes[0].Addr = addrs.AbsResourceInstance{} },
		"set path": func(p *Plan) {
			p.Changes[0].RequiresReplace = []cty.Path{{cty.IndexStep{Key: cty.ObjectVal(map[string]cty.Value{"a": cty.True})}}}
		},
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			p := testPlan(t)
			mutate(p)
			if err := Write(io.Discard, p); err == nil {
				t.Error("Write accepted it")
			}
		})
	}
	if err := Write(io.Discard, nil); err == nil {
		t.Error("Write accepted a nil plan")
	}
}

// rebuild writes a file with the given header and JSON body, to reach the
// checks that sit behind a valid header and gzip stream.
func rebuild(header string, body []byte) []byte {
	var buf bytes.Buffer
	buf.WriteString(header)
	zw := gzip.NewWriter(&buf)
	zw.Write(body)
	zw.Close()
	return buf.Bytes()
}

func jsonBody(t *testing.T, data []byte) map[string]any {
	t.Helper()
	views := fileViews(t, data)
	var doc map[string]any
	if err := json.Unmarshal(views[1], &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestReadErrors(t *testing.T) {
	good := encode(t, testPlan(t))
	header := fileMagic + "1\n"
	withDoc := func(mutate func(doc map[string]any)) []byte {
		doc := jsonBody(t, good)
		mutate(doc)
		b, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		return rebuild(header, b)
	}
	firstChange := func(doc map[string]any) map[string]any {
		return doc["changes"].([]any)[0].(map[string]any)
	}
	flipped := bytes.Clone(good)
	flipped[len(flipped)-20] ^= 0x40

	tests := []struct {
		name string
		data []byte
		is   error  // errors.Is target, if any
		want string // substring of the message
	}{
		{"empty", nil, ErrNotPlanFile, "not a steward plan file"},
		{"wrong magic", []byte("PK\x03\x04 a terraform plan, maybe"), ErrNotPlanFile, "not a steward plan file"},
		{"state file", []byte(`{"version": 1, "lineage": "x"}`), ErrNotPlanFile, "not a steward plan file"},
		{"magic without newline", []byte("steward-planX1\n"), ErrNotPlanFile, "not a steward plan file"},
		{"cut in magic", good[:5], ErrDamaged, "damaged"},
		{"newer version", rebuild(fileMagic+"2\n", []byte("{}")), nil, "version 2"},
		{"much newer version", []byte(fileMagic + "4000000000\n"), nil, "version 4000000000"},
		{"version zero", []byte(fileMagic + "0\n"), ErrDamaged, "damaged"},
		{"version not a number", []byte(fileMagic + "one\n"), ErrDamaged, "damaged"},
		{"version line too long", []byte(fileMagic + strings.Repeat("1", 40) + "\n"), ErrDamaged, "damaged"},
		{"no version line", []byte(fileMagic), ErrDamaged, "damaged"},
		{"no body", []byte(header), ErrDamaged, "damaged"},
		{"truncated gzip header", good[:len(header)+5], ErrDamaged, "damaged"},
		{"truncated in body", good[:len(good)/2], ErrDamaged, "damaged"},
		{"truncated trailer", good[:len(good)-1], ErrDamaged, "damaged"},
		{"bit flip", flipped, ErrDamaged, "damaged"},
		{"trailing data", append(bytes.Clone(good), "extra"...), ErrDamaged, "damaged"},
		{"two gzip members", append(bytes.Clone(good), good[len(header):]...), ErrDamaged, "damaged"},
		{"not gzip", []byte(header + `{"mode":"normal"}`), ErrDamaged, "damaged"},
		{"not JSON", rebuild(header, []byte("not json")), ErrDamaged, "damaged"},
		{"truncated JSON", rebuild(header, []byte(`{"mode":"normal","changes":[`)), ErrDamaged, "damaged"},
		{"JSON then more", rebuild(header, []byte(`{"mode":"normal","changes":[]} {}`)), ErrDamaged, "damaged"},
		{"unknown field", withDoc(func(d map[string]any) { d["auto_approve"] = true }), ErrDamaged, "damaged"},
		{"unknown mode", withDoc(func(d map[string]any) { d["mode"] = "yolo" }), ErrDamaged, "damaged"},
		{"unknown action", withDoc(func(d map[string]any) { firstChange(d)["action"] = "smash" }), ErrDamaged, "damaged"},
		{"bad address", withDoc(func(d map[string]any) { firstChange(d)["addr"] = "module.x" }), ErrDamaged, "damaged"},
		{"bad dependency", withDoc(func(d map[string]any) { firstChange(d)["dependencies"] = []string{"a.b[1]"} }), ErrDamaged, "damaged"},
		{"null change", withDoc(func(d map[string]any) { d["changes"] = []any{nil} }), ErrDamaged, "damaged"},
		{"bad value type", withDoc(func(d map[string]any) { firstChange(d)["after"].(map[string]any)["type"] = "strin" }), ErrDamaged, "damaged"},
		{"bad msgpack", withDoc(func(d map[string]any) { firstChange(d)["after"].(map[string]any)["msgpack"] = "3q2+7w==" }), ErrDamaged, "damaged"},
		{"huge msgpack array", withDoc(func(d map[string]any) {
			firstChange(d)["after"] = map[string]any{"type": []any{"list", "string"}, "msgpack": base64.StdEncoding.EncodeToString([]byte{0xdd, 0xff, 0xff, 0xff, 0xff})}
		}), ErrDamaged, "damaged"},
		{"msgpack nested too deeply", withDoc(func(d map[string]any) {
			deep := append(bytes.Repeat([]byte{0x91}, maxNesting+1), 0xc0)
			firstChange(d)["after"] = map[string]any{"type": "dynamic", "msgpack": base64.StdEncoding.EncodeToString(deep)}
		}), ErrDamaged, "damaged"},
		{"empty object for declared attributes", withDoc(func(d map[string]any) {
			firstChange(d)["after"] = map[string]any{"type": []any{"object", map[string]any{"a": "string"}}, "msgpack": base64.StdEncoding.EncodeToString([]byte{0x80})}
		}), ErrDamaged, "damaged"},
		{"sensitive path elsewhere", withDoc(func(d map[string]any) {
			firstChange(d)["after"].(map[string]any)["sensitive"] = []any{[]any{map[string]any{"attr": "no_such"}}}
		}), ErrDamaged, "damaged"},
		{"path step with both", withDoc(func(d map[string]any) {
			firstChange(d)["requires_replace"] = []any{[]any{map[string]any{"attr": "a", "index": 1}}}
		}), ErrDamaged, "damaged"},
		{"path index not scalar", withDoc(func(d map[string]any) {
			firstChange(d)["requires_replace"] = []any{[]any{map[string]any{"index": []any{1}}}}
		}), ErrDamaged, "damaged"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ReadFrom(bytes.NewReader(tt.data))
			if err == nil {
				t.Fatalf("Read succeeded: %+v", p)
			}
			if p != nil {
				t.Errorf("Read returned a plan with its error")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %q is not %v", err, tt.is)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
		})
	}
}

func TestReadNewerVersion(t *testing.T) {
	_, err := ReadFrom(strings.NewReader(fileMagic + "2\n"))
	var ve *VersionError
	if !errors.As(err, &ve) || ve.Found != 2 || ve.Supported != FormatVersion {
		t.Fatalf("got %v, want a VersionError for version 2", err)
	}
	// The user must learn which steward to use, not only that this one fails.
	if msg := err.Error(); !strings.Contains(msg, "steward release that created it") {
		t.Errorf("message %q does not say which steward can read it", msg)
	}
}

func TestReadFileNamesFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "not-a-plan")
	if err := os.WriteFile(path, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := ReadFile(path)
	if err == nil || !strings.Contains(err.Error(), path) || !errors.Is(err, ErrNotPlanFile) {
		t.Errorf("got %v", err)
	}
}

func FuzzRead(f *testing.F) {
	good := encode(f, testPlan(f))
	header := fileMagic + "1\n"
	f.Add(good)
	f.Add(good[:len(good)/3])
	f.Add([]byte{})
	f.Add([]byte(fileMagic + "2\n"))
	f.Add(encode(f, &Plan{Mode: DestroyMode}))
	f.Add(rebuild(header, []byte(`{"mode":"normal","changes":[{"addr":"a.b","action":"create","after":{"type":["list","dynamic"],"msgpack":"kZLECCJzdHJpbmciqQ=="}}]}`)))
	f.Add(rebuild(header, []byte(`{"mode":"normal","changes":[{"addr":"a.b","action":"create","after":{"type":["object",{"a":"string"},["a"]],"msgpack":"gA==","sensitive":[[{"attr":"a"}]]}}]}`)))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ReadFrom(bytes.NewReader(data))
		if err != nil {
			if p != nil {
				t.Fatal("plan returned with an error")
			}
			return
		}
		// Whatever Read accepts must survive another trip, or `show` of a
		// plan could succeed where `apply` of its re-encoding fails.
		var buf bytes.Buffer
		if err := Write(&buf, p); err != nil {
			t.Fatalf("Write of a read plan: %v", err)
		}
		if _, err := ReadFrom(&buf); err != nil {
			t.Fatalf("Read of a re-written plan: %v", err)
		}
	})
}
