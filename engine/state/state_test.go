package state

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

// sampleState returns a state using every field, including a sensitive
// attribute and a sensitive output, built through the public API.
func sampleState(t testing.TB) *State {
	t.Helper()
	s := New()
	s.Serial = 3
	s.StewardVersion = "0.1.0-test"

	ty := cty.Object(map[string]cty.Type{"name": cty.String, "token": cty.String})
	attrs, sa, err := EncodeValue(cty.ObjectVal(map[string]cty.Value{
		"name":  cty.StringVal("edge"),
		"token": sens(cty.StringVal("SECRET-token")),
	}), ty, testKey)
	if err != nil {
		t.Fatal(err)
	}
	r := s.EnsureResource(`module.site["a"]`, ModeManaged, "network_router", "edge", `provider["network"].edge`)
	inst := r.EnsureInstance(StringKey("eu"))
	inst.ID = "rtr-1"
	inst.SchemaVersion = 2
	inst.Attributes = attrs
	inst.Sensitive = sa
	inst.Dependencies = []string{"network_vpc.main", "module.site[\"a\"].dns_zone.z"}
	inst.CreateBeforeDestroy = true

	r2 := s.EnsureResource("", ModeData, "dns_zone", "z", `provider["steward"]`)
	r2.EnsureInstance(NoKey).Attributes = json.RawMessage(`{"id":"z1"}`)

	r3 := s.EnsureResource("", ModeManaged, "server", "web", `provider["steward"]`)
	for _, i := range []int{1, 0} {
		in := r3.EnsureInstance(IntKey(i))
		in.Attributes = json.RawMessage(`{"n":1}`)
	}
	r3.Instances[1].Tainted = true

	out, err := EncodeOutput(cty.StringVal("10.0.0.1"), false, testKey)
	if err != nil {
		t.Fatal(err)
	}
	s.Outputs["ip"] = out
	secretOut, err := EncodeOutput(cty.StringVal("SECRET-output"), true, testKey)
	if err != nil {
		t.Fatal(err)
	}
	s.Outputs["password"] = secretOut
	return s
}

// sampleStateLike rebuilds sampleState with s's lineage, to compare s against
// what it was created as.
func sampleStateLike(t *testing.T, s *State) *State {
	fresh := sampleState(t)
	fresh.Lineage = s.Lineage
	return fresh
}

func TestNewLineage(t *testing.T) {
	a, b := New(), New()
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	if !uuid.MatchString(a.Lineage) {
		t.Errorf("lineage %q is not a v4 UUID", a.Lineage)
	}
	if a.Lineage == b.Lineage {
		t.Error("two new states share a lineage")
	}
	if a.Serial != 0 || len(a.Resources) != 0 || a.Outputs == nil {
		t.Errorf("new state not empty: %+v", a)
	}
}

func TestResourceLookupAndOrder(t *testing.T) {
	s := New()
	s.EnsureResource("module.b", ModeManaged, "t", "x", "p")
	s.EnsureResource("", ModeManaged, "t", "z", "p")
	s.EnsureResource("", ModeData, "t", "a", "p")
	s.EnsureResource("", ModeManaged, "t", "a", "p")
	again := s.EnsureResource("", ModeManaged, "t", "a", "p2")

	var addrs []string
	for _, r := range s.Resources {
		addrs = append(addrs, r.Addr())
	}
	want := []string{"data.t.a", "t.a", "t.z", "module.b.t.x"}
	if !slices.Equal(addrs, want) {
		t.Fatalf("order %q, want %q", addrs, want)
	}
	if got := s.Resource("", ModeManaged, "t", "a"); got != again || got.Provider != "p2" {
		t.Fatalf("EnsureResource did not return/update the existing resource: %+v", got)
	}
	if s.Resource("", ModeManaged, "t", "missing") != nil {
		t.Fatal("found a missing resource")
	}
	if !s.RemoveResource("", ModeData, "t", "a") || s.RemoveResource("", ModeData, "t", "a") {
		t.Fatal("RemoveResource reported wrongly")
	}
	if len(s.Resources) != 3 {
		t.Fatalf("%d resources left", len(s.Resources))
	}
}

func TestInstancesOrderAndAddr(t *testing.T) {
	r := &Resource{Module: `module.m["k"]`, Mode: ModeManaged, Type: "t", Name: "n"}
	for _, k := range []InstanceKey{StringKey("b"), IntKey(10), StringKey("a"), IntKey(2), NoKey} {
		r.EnsureInstance(k)
	}
	var got []string
	for _, inst := range r.Instances {
		got = append(got, r.InstanceAddr(inst.Key))
	}
	want := []string{
		`module.m["k"].t.n`, `module.m["k"].t.n[2]`, `module.m["k"].t.n[10]`,
		`module.m["k"].t.n["a"]`, `module.m["k"].t.n["b"]`,
	}
	if !slices.Equal(got, want) {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	if r.EnsureInstance(IntKey(2)) != r.Instances[1] {
		t.Fatal("EnsureInstance added a duplicate")
	}
	if !r.RemoveInstance(IntKey(2)) || r.Instance(IntKey(2)) != nil {
		t.Fatal("RemoveInstance failed")
	}
}

func TestInstanceKeyJSON(t *testing.T) {
	type wrap struct {
		Key InstanceKey `json:"key,omitzero"`
	}
	for _, tc := range []struct {
		key  InstanceKey
		json string
	}{
		{NoKey, `{}`},
		{IntKey(0), `{"key":0}`},
		{IntKey(12), `{"key":12}`},
		{StringKey("eu-west"), `{"key":"eu-west"}`},
		{StringKey(""), `{"key":""}`},
	} {
		b, err := json.Marshal(wrap{tc.key})
		if err != nil || string(b) != tc.json {
			t.Errorf("marshal %v: %s, %v; want %s", tc.key, b, err, tc.json)
		}
		var w wrap
		if err := json.Unmarshal(b, &w); err != nil || w.Key != tc.key {
			t.Errorf("unmarshal %s: %v, %v", b, w.Key, err)
		}
	}
	for _, bad := range []string{`{"key":-1}`, `{"key":1.5}`, `{"key":1e3}`, `{"key":true}`, `{"key":[1]}`, `{"key":99999999999999}`} {
		var w wrap
		if err := json.Unmarshal([]byte(bad), &w); err == nil {
			t.Errorf("accepted %s as %v", bad, w.Key)
		}
	}
	if _, err := json.Marshal(wrap{IntKey(-1)}); err == nil {
		t.Error("marshalled a negative key")
	}
}

func TestSortNormalizes(t *testing.T) {
	s := New()
	s.Resources = []*Resource{
		{Mode: ModeManaged, Type: "b", Name: "x", Provider: "p", Instances: []*Instance{
			{Key: IntKey(1)}, {Key: IntKey(0), Dependencies: []string{"z.z", "a.a", "z.z"},
				Sensitive: []SensitiveAttribute{{Path: AttributePath{NameStep("b")}}, {Path: AttributePath{NameStep("a")}}}},
		}},
		{Mode: ModeManaged, Type: "a", Name: "x", Provider: "p"},
	}
	s.Sort()
	if s.Resources[0].Type != "a" {
		t.Fatal("resources not sorted")
	}
	inst := s.Resources[1].Instances[0]
	if inst.Key != IntKey(0) {
		t.Fatal("instances not sorted")
	}
	if !slices.Equal(inst.Dependencies, []string{"a.a", "z.z"}) {
		t.Fatalf("dependencies %q", inst.Dependencies)
	}
	if inst.Sensitive[0].Path.String() != ".a" {
		t.Fatal("sensitive paths not sorted")
	}
}

func TestDeepCopyIsIndependent(t *testing.T) {
	s := sampleState(t)
	c := s.DeepCopy()
	if !s.Equal(c) || c.Serial != s.Serial || c.StewardVersion != s.StewardVersion {
		t.Fatal("copy differs")
	}
	c.Resources[0].Instances[0].Attributes[1] = 'X'
	inst := c.Resources[2].Instances[0]
	inst.Dependencies[0] = "changed"
	inst.Sensitive[0].Path[0] = NameStep("changed")
	inst.Sensitive[0].Hash = "changed"
	c.Outputs["ip"].Value[0] = ' '
	c.Outputs["new"] = &OutputValue{}
	c.Resources[1].Instances = c.Resources[1].Instances[:1]
	c.Resources = c.Resources[:1]
	if !s.Equal(sampleStateLike(t, s)) {
		t.Fatal("mutating the copy changed the original")
	}
	if (*State)(nil).DeepCopy() != nil {
		t.Fatal("nil copy")
	}
}

func TestEqual(t *testing.T) {
	a := sampleState(t)
	b := a.DeepCopy()
	b.Serial = 99
	b.StewardVersion = "other"
	if !a.Equal(b) {
		t.Fatal("serial or version affected equality")
	}
	// Formatting differences in stored JSON are not content differences.
	b.Resources[0].Instances[0].Attributes = json.RawMessage(`{ "id" : "z1" }`)
	if !a.Equal(b) {
		t.Fatal("whitespace affected equality")
	}
	for name, mutate := range map[string]func(*State){
		"lineage":    func(s *State) { s.Lineage = "x" },
		"attributes": func(s *State) { s.Resources[0].Instances[0].Attributes = json.RawMessage(`{"id":"z2"}`) },
		"tainted":    func(s *State) { s.Resources[1].Instances[1].Tainted = false },
		"provider":   func(s *State) { s.Resources[2].Provider = "other" },
		"hash":       func(s *State) { s.Resources[2].Instances[0].Sensitive[0].Hash = "hmac-sha256:00" },
		"deps":       func(s *State) { s.Resources[2].Instances[0].Dependencies = nil },
		"output":     func(s *State) { s.Outputs["ip"].Value = json.RawMessage(`"10.0.0.2"`) },
		"no output":  func(s *State) { delete(s.Outputs, "ip") },
		"resource":   func(s *State) { s.Resources = s.Resources[1:] },
	} {
		c := a.DeepCopy()
		mutate(c)
		if a.Equal(c) || c.Equal(a) {
			t.Errorf("%s change not detected", name)
		}
	}
	if !(*State)(nil).Equal(nil) || a.Equal(nil) {
		t.Error("nil handling")
	}
	empty := New()
	empty2 := &State{Lineage: empty.Lineage}
	if !empty.Equal(empty2) {
		t.Error("nil and empty collections differ")
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	s := sampleState(t)
	data, err := Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "SECRET") {
		t.Fatalf("state file contains a secret:\n%s", data)
	}
	if !strings.HasPrefix(string(data), "{\n  \"version\": 1,\n  \"lineage\": ") || !strings.HasSuffix(string(data), "}\n") {
		t.Fatalf("unexpected layout:\n%s", data)
	}
	got, err := Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	// sampleState leaves dependencies unsorted; the file has them sorted.
	if got.Equal(s) {
		t.Fatal("unsorted dependencies compared equal to sorted ones")
	}
	s.Sort()
	if !got.Equal(s) || got.Serial != s.Serial || got.StewardVersion != s.StewardVersion {
		t.Fatalf("round trip changed the state:\n%s", data)
	}
	again, err := Marshal(got)
	if err != nil || string(again) != string(data) {
		t.Fatalf("second marshal differs (%v):\n%s\n%s", err, data, again)
	}

	// The NoKey instance must have no "key" field at all.
	if strings.Count(string(data), `"key"`) != 3 {
		t.Fatalf("expected exactly 3 instance keys:\n%s", data)
	}
}

func TestMarshalRefusesInvalid(t *testing.T) {
	for name, mutate := range map[string]func(*State){
		"no lineage":          func(s *State) { s.Lineage = "" },
		"bad mode":            func(s *State) { s.Resources[0].Mode = "weird" },
		"duplicate resource":  func(s *State) { s.Resources = append(s.Resources, s.Resources[0].DeepCopy()) },
		"duplicate instance":  func(s *State) { s.Resources[1].Instances[1].Key = IntKey(0) },
		"bad hash":            func(s *State) { s.Resources[2].Instances[0].Sensitive[0].Hash = "md5:x" },
		"bad attributes":      func(s *State) { s.Resources[0].Instances[0].Attributes = json.RawMessage(`{`) },
		"clear secret output": func(s *State) { s.Outputs["password"].Value = json.RawMessage(`"x"`) },
		"bad output type":     func(s *State) { s.Outputs["ip"].Type = json.RawMessage(`"nope"`) },
		"output type mismatch": func(s *State) {
			s.Outputs["ip"].Value = json.RawMessage(`{"a":1}`)
		},
		"nil resource": func(s *State) { s.Resources = append(s.Resources, nil) },
		"no provider":  func(s *State) { s.Resources[0].Provider = "" },
	} {
		s := sampleState(t)
		mutate(s)
		if _, err := Marshal(s); err == nil {
			t.Errorf("%s: Marshal accepted an invalid state", name)
		}
	}
}
